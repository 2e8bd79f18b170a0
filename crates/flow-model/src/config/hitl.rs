//! Checkpoints, human-in-the-loop and queue kinds.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `checkpoint`: pauses the invocation until something resolves it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Checkpoint {
    /// `approval`, `choice`, `freeform`, ...
    #[serde(rename = "type")]
    pub checkpoint_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    pub options: Vec<String>,
    /// Duration such as `1h`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_timeout: Option<String>,
    /// `user:alice@acme`, `group:approvers`, `role:tenant_admin`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// Development breakpoint: a `debug_breakpoint` checkpoint is inserted before the node.
    pub breakpoint: bool,
}

impl Default for Checkpoint {
    fn default() -> Self {
        Self {
            checkpoint_type: "approval".into(),
            prompt: None,
            options: Vec::new(),
            timeout: None,
            on_timeout: None,
            assignee: None,
            breakpoint: false,
        }
    }
}

/// `hitl_decision`: a lightweight approval checkpoint answered through some other channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct HitlDecision {
    #[serde(rename = "type")]
    pub checkpoint_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    pub options: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_timeout: Option<String>,
}

impl Default for HitlDecision {
    fn default() -> Self {
        Self {
            checkpoint_type: "approval".into(),
            prompt: None,
            options: vec!["approve".into(), "reject".into()],
            timeout: None,
            on_timeout: None,
        }
    }
}

/// `hitl_review`: one checkpoint whose review request the runtime publishes to a ScaiQueue queue
/// and whose resolution it waits for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct HitlReview {
    /// Inherits `config.scaiqueue.scope` when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Queue slug the review request goes to.
    pub queue: String,
    /// The review form.
    pub sections: ReviewSections,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_timeout: Option<String>,
}

/// The review form: read-only context, editable inputs, decision buttons.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct ReviewSections {
    pub context: Vec<Map<String, Value>>,
    pub input: Vec<Map<String, Value>>,
    /// Each with an `id` (the resolution value, e.g. `approve`) and a `label`.
    pub decision: Vec<Map<String, Value>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Normal,
    High,
    Critical,
}

/// `queue_publish`: publishes a message to a ScaiQueue queue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct QueuePublish {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    pub queue: String,
    pub message_type: String,
    pub payload: Map<String, Value>,
}

/// `queue_consume`: takes the next message from a queue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct QueueConsume {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    pub queue: String,
    pub consumer_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_binding: Option<String>,
}

/// `queue_escalation`: escalates the current work item to another queue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct QueueEscalation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    pub escalation_queue: String,
    pub reason: String,
}
