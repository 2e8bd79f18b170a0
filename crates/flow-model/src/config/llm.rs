//! LLM kinds, along the rigidity spectrum: rigid (templating, no model), guarded, flexible.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `llm_rigid`: deterministic templating; no model is called.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct LlmRigid {
    /// Text with `{{...}}` interpolation, rendered without calling a model.
    #[schemars(extend("x-widget" = "multiline"))]
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
    /// What the model is asked to achieve.
    #[schemars(extend("x-widget" = "multiline"))]
    pub goal: String,
    /// Model role from the registry; the first registry entry when unset. `model` is the legacy
    /// spelling.
    #[serde(alias = "model", skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-widget" = "model-role", "x-label" = "Model role"))]
    pub llm_role: Option<String>,
    /// Expression that must be truthy for the call to happen (e.g. `kb_results.length > 0`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-widget" = "expression"))]
    pub guard: Option<String>,
    /// Expression that must be truthy on the output (e.g. `result.citations.length > 0`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-widget" = "expression"))]
    pub validate: Option<String>,
    /// Field name → ScaiCore type (`string`, `float`, `enum[a, b]`, `array[string]`, ...).
    #[schemars(extend("x-widget" = "output-schema"))]
    pub output_schema: Map<String, Value>,
    /// Name → value or `{{...}}` template handed to the model as input.
    pub input_bindings: Map<String, Value>,
    /// Name → value or `{{...}}` template given to the model as background context.
    pub context_bindings: Map<String, Value>,
    /// How the model should go about the goal (style, tone, steps).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-widget" = "multiline"))]
    pub guidance: Option<String>,
    /// Rules the answer must keep, one per line.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-widget" = "lines"))]
    pub constraints: Option<Value>,
    /// What happens when `validate` fails (JSON catch behaviour); the flow fails when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_validation_failure: Option<Value>,
    /// Variable the output is bound to; the node id when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_binding: Option<String>,
}

/// `llm_flexible`: a goal-driven model call with an optional output schema.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct LlmFlexible {
    /// What the model is asked to achieve.
    #[schemars(extend("x-widget" = "multiline"))]
    pub goal: String,
    /// Model role from the registry; the first registry entry when unset. `model` is the legacy
    /// spelling.
    #[serde(alias = "model", skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-widget" = "model-role", "x-label" = "Model role"))]
    pub llm_role: Option<String>,
    /// Field name → ScaiCore type (`string`, `float`, `enum[a, b]`, `array[string]`, ...).
    #[schemars(extend("x-widget" = "output-schema"))]
    pub output_schema: Map<String, Value>,
    /// Name → value or `{{...}}` template handed to the model as input.
    pub input_bindings: Map<String, Value>,
    /// Name → value or `{{...}}` template given to the model as background context.
    pub context_bindings: Map<String, Value>,
    /// How the model should go about the goal (style, tone, steps).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-widget" = "multiline"))]
    pub guidance: Option<String>,
    /// Give the model the Core's identity (persona) as context.
    #[schemars(extend("x-label" = "Use the Core's identity"))]
    pub identity_ref: bool,
    /// Rules the answer must keep, one per line.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-widget" = "lines"))]
    pub constraints: Option<Value>,
    /// Worked examples as a JSON array (e.g. `[{"input": ..., "output": ...}]`).
    pub examples: Vec<Value>,
    /// What happens when the call fails (JSON catch behaviour); the flow fails when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_failure: Option<Value>,
    /// Limits on the call as JSON (e.g. `{"max_tokens": 800}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget: Option<Value>,
    /// Variable the output is bound to; the node id when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_binding: Option<String>,
}
