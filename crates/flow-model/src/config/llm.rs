//! LLM kinds, along the rigidity spectrum: rigid (templating, no model), guarded, flexible.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `llm_rigid`: deterministic templating; no model is called.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct LlmRigid {
    /// Text with `{{...}}` interpolation.
    pub template: String,
    /// Variable the rendered text is bound to; the node id when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_binding: Option<String>,
}

/// `llm_guarded`: a bounded model call with a pre-condition (`guard`) and a post-condition
/// (`validate`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct LlmGuarded {
    pub goal: String,
    /// Model role from the registry; the first registry entry when unset. `model` is the legacy
    /// spelling.
    #[serde(alias = "model", skip_serializing_if = "Option::is_none")]
    pub llm_role: Option<String>,
    /// Must be truthy for the call to happen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guard: Option<String>,
    /// Must be truthy on the output.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validate: Option<String>,
    /// Field name → type (`string`, `float`, `enum[a, b]`, ...).
    pub output_schema: Map<String, Value>,
    pub input_bindings: Map<String, Value>,
    pub context_bindings: Map<String, Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guidance: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraints: Option<Value>,
    /// What happens when `validate` fails; the flow fails when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_validation_failure: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_binding: Option<String>,
}

/// `llm_flexible`: a goal-driven model call with an optional output schema.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct LlmFlexible {
    pub goal: String,
    #[serde(alias = "model", skip_serializing_if = "Option::is_none")]
    pub llm_role: Option<String>,
    pub output_schema: Map<String, Value>,
    pub input_bindings: Map<String, Value>,
    pub context_bindings: Map<String, Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guidance: Option<String>,
    /// Give the model the Core's identity (persona) as context.
    pub identity_ref: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraints: Option<Value>,
    pub examples: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_failure: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_binding: Option<String>,
}
