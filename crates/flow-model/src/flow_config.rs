//! Flow-level configuration (`flow.config`): identity and model registry, plugins, capabilities,
//! the ScaiBunker capability, the ScaiQueue topology and publish-as-model intents.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `flow.config`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FlowConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub core_identity: Option<CoreIdentity>,
    /// Extra plugins (`{alias, endpoint}` or a bare alias); the compiler adds those tool nodes use.
    #[serde(default)]
    pub plugins: Vec<Value>,
    #[serde(default)]
    pub capabilities: Vec<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bunker: Option<BunkerCapability>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaiqueue: Option<QueueTopology>,
    #[serde(default)]
    pub publish_as_model: bool,
    /// ScaiKey group ids whose members may call the published model.
    #[serde(default)]
    pub model_visibility_group_ids: Vec<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The Core's name and its model registry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CoreIdentity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The first entry is the implicit `primary` for LLM nodes that set no role.
    #[serde(default)]
    pub models: Vec<ModelEntry>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One model registry row, keyed by the role LLM nodes name in `llm_role`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ModelEntry {
    /// `^[a-z][a-z0-9_]*$`, unique within the registry.
    pub role: String,
    /// Provider key: `scaigrid`, `scaiinfer`, `openai`, ...
    #[serde(rename = "ref")]
    pub provider: String,
    /// Model id within the provider (for `scaigrid` the ScaiGrid slug, e.g. `openai/gpt-4o`).
    pub model: String,
    /// 0.0 to 2.0, for text modalities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// `["text"]` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modalities: Option<Vec<Modality>>,
    /// System-prompt override (text only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_context: Option<String>,
    /// Tried in order when this model is unavailable.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fallback: Vec<ModelRef>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ModelEntry {
    /// The pinned `primary` row a new flow starts with: a small, fast ScaiGrid model, as the
    /// bundled examples use, so a flow's first LLM node compiles before anything is set up.
    pub fn starter() -> ModelEntry {
        ModelEntry {
            role: "primary".into(),
            provider: "scaigrid".into(),
            model: "openai/gpt-4o-mini".into(),
            temperature: None,
            modalities: Some(vec![Modality::Text]),
            system_context: None,
            fallback: Vec::new(),
            extra: Map::new(),
        }
    }

    /// The modalities, with the documented default.
    pub fn modalities(&self) -> Vec<Modality> {
        self.modalities.clone().unwrap_or_else(|| vec![Modality::Text])
    }
}

/// A `{ref, model}` pair in a fallback chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ModelRef {
    #[serde(rename = "ref")]
    pub provider: String,
    pub model: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Modality {
    Text,
    StructuredOutput,
    Vision,
    Tts,
    Stt,
    Embedding,
    ImageGeneration,
}

/// `flow.config.bunker`: the sandbox the Core's compute nodes run in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BunkerCapability {
    #[serde(default)]
    pub lifecycle: Lifecycle,
    #[serde(default = "default_image")]
    pub image: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_millicores: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_mb: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_mb: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpu_count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_profile: Option<NetworkProfile>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Default for BunkerCapability {
    /// What the compiler assumes when compute nodes exist and no capability is set.
    fn default() -> Self {
        Self {
            lifecycle: Lifecycle::Ephemeral,
            image: default_image(),
            cpu_millicores: None,
            memory_mb: None,
            disk_mb: None,
            gpu_count: None,
            network_profile: None,
            extra: Map::new(),
        }
    }
}

fn default_image() -> String {
    "python-3.12".into()
}

/// How long a sandbox lives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Lifecycle {
    /// Per invocation, destroyed at flow exit.
    #[default]
    Ephemeral,
    /// Per conversation (entity-mode Cores).
    Session,
    /// Long-lived and shared.
    Persistent,
    /// Bound to a network segment.
    Appliance,
}

/// What a sandbox may reach on the network; fixed at creation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NetworkProfile {
    /// No network.
    #[default]
    Isolated,
    /// Package registries only.
    Registry,
    /// The tenant's domain allowlist.
    Allowlisted,
    /// Anywhere.
    Unrestricted,
    /// Layer-2 bridge attachments.
    Transit,
}

/// `flow.config.scaiqueue`: the scope and queues deploy provisions before creating the Core.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct QueueTopology {
    /// Namespace of every queue the flow uses; queue and HITL nodes without a scope inherit it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default)]
    pub queues: Vec<QueueSpec>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl QueueTopology {
    pub fn queue(&self, slug: &str) -> Option<&QueueSpec> {
        self.queues.iter().find(|q| q.slug == slug)
    }
}

/// One declared queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct QueueSpec {
    /// Stable identifier node configs refer to.
    pub slug: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub consumer_mode: ConsumerMode,
    /// 0 to 100.
    #[serde(default = "default_max_retries")]
    #[schemars(range(max = 100))]
    pub max_retries: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<QueuePurpose>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn default_max_retries() -> u32 {
    5
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsumerMode {
    #[default]
    Fifo,
    Priority,
    Deadline,
    Broadcast,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum QueuePurpose {
    Intake,
    Processing,
    Review,
    Escalation,
    Completed,
    DeadLetter,
    Custom,
}
