//! Checkpoints, human-in-the-loop and queue kinds.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `checkpoint`: pauses the invocation until something resolves it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct Checkpoint {
    /// What kind of answer resumes the run: `approval`, `choice`, `freeform`, ...
    #[serde(rename = "type")]
    #[schemars(extend("x-widget" = "suggest:approval,choice,freeform", "x-label" = "Checkpoint type"))]
    pub checkpoint_type: String,
    /// The question shown to whoever resolves the checkpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-widget" = "multiline"))]
    pub prompt: Option<String>,
    /// The answers to choose from, one per line.
    pub options: Vec<String>,
    /// How long to wait, as a duration such as `1h` or `30m`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    /// The resolution used when the timeout passes (e.g. `reject`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_timeout: Option<String>,
    /// `user:alice@acme`, `group:approvers`, `role:tenant_admin`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// Development breakpoint: a `debug_breakpoint` checkpoint is inserted before the node.
    #[schemars(extend("x-label" = "Breakpoint"))]
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
    /// What kind of answer resumes the run: `approval`, `choice`, `freeform`, ...
    #[serde(rename = "type")]
    #[schemars(extend("x-widget" = "suggest:approval,choice,freeform", "x-label" = "Decision type"))]
    pub checkpoint_type: String,
    /// The question shown to whoever decides.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-widget" = "multiline"))]
    pub prompt: Option<String>,
    /// The answers to choose from, one per line.
    pub options: Vec<String>,
    /// How long to wait, as a duration such as `1h` or `30m`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    /// The resolution used when the timeout passes (e.g. `reject`).
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
    /// ScaiQueue scope of the queue; the flow topology's scope when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-widget" = "scope"))]
    pub scope: Option<String>,
    /// Queue slug the review request goes to.
    #[schemars(extend("x-widget" = "queue"))]
    pub queue: String,
    /// The review form: read-only context, editable inputs and decision buttons.
    #[schemars(extend("x-widget" = "form-builder", "x-label" = "Review form"))]
    pub sections: ReviewSections,
    /// The request shown to the reviewer.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-widget" = "multiline"))]
    pub prompt: Option<String>,
    /// Who reviews: `user:alice@acme`, `group:approvers`, `role:tenant_admin`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// Ordering hint for the review queue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// How long to wait, as a duration such as `1h` or `2d`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    /// The resolution used when the timeout passes (e.g. `reject`).
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
    /// ScaiQueue scope of the queue; the flow topology's scope when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-widget" = "scope"))]
    pub scope: Option<String>,
    /// Slug of the queue the message goes to.
    #[schemars(extend("x-widget" = "queue"))]
    pub queue: String,
    /// Message type consumers filter on (e.g. `decision-made`).
    pub message_type: String,
    /// Field name → value or `{{...}}` template.
    pub payload: Map<String, Value>,
}

/// `queue_consume`: takes the next message from a queue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct QueueConsume {
    /// ScaiQueue scope of the queue; the flow topology's scope when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-widget" = "scope"))]
    pub scope: Option<String>,
    /// Slug of the queue to take a message from.
    #[schemars(extend("x-widget" = "queue"))]
    pub queue: String,
    /// Stable name of this consumer (e.g. `approver-bot`).
    #[schemars(extend("x-label" = "Consumer id"))]
    pub consumer_id: String,
    /// Variable the message is bound to; the node id when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_binding: Option<String>,
}

/// `queue_escalation`: escalates the current work item to another queue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct QueueEscalation {
    /// ScaiQueue scope of the queue; the flow topology's scope when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-widget" = "scope"))]
    pub scope: Option<String>,
    /// Slug of the queue the work item is escalated to.
    #[schemars(extend("x-widget" = "queue"))]
    pub escalation_queue: String,
    /// Why it is escalated (e.g. `timeout-exceeded`).
    pub reason: String,
}
