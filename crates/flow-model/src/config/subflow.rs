//! The sub-flow kind: a call into another deployed Core.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `subflow_call`: compiles to a `core_call` block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct SubflowCall {
    /// The Core to call: `core://{tenant_slug}/{slug}`.
    #[schemars(extend("x-widget" = "subflow-target", "x-label" = "Sub-flow target"))]
    pub target: String,
    /// A specific flow of the target Core; its default flow when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow_name: Option<String>,
    /// Input name → value or `{{...}}` template passed to the target.
    pub input_bindings: Map<String, Value>,
    /// Instance key for entity-mode targets (a template).
    pub instance_key: Option<String>,
    /// Pins the target Core's version; its default when unset.
    pub version: Option<String>,
    /// Wall-clock budget, e.g. `30s`.
    pub timeout: String,
    /// Fire and forget: continue without waiting for the target's result.
    #[schemars(extend("x-label" = "Fire and forget"))]
    pub is_async: bool,
    /// Variable the target's result is bound to; the node id when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_binding: Option<String>,
}

impl Default for SubflowCall {
    fn default() -> Self {
        Self {
            target: String::new(),
            flow_name: None,
            input_bindings: Map::new(),
            instance_key: None,
            version: None,
            timeout: "30s".into(),
            is_async: false,
            result_binding: None,
        }
    }
}
