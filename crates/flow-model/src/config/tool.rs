//! Tool kinds (plugin and HTTP calls) and the data kind (variable assignment).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `tool_plugin`: calls a method of a ScaiCore plugin; the plugin is added to the Core's plugin
/// list automatically.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct ToolPlugin {
    /// Plugin alias, e.g. `scaidrive`.
    #[schemars(extend("x-widget" = "plugin"))]
    pub plugin: String,
    /// Method, e.g. `search`.
    #[schemars(extend("x-widget" = "plugin-method"))]
    pub method: String,
    /// Argument name → value (templates allowed).
    pub args: Map<String, Value>,
    /// Variable the call's result is bound to; the node id when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_binding: Option<String>,
}

/// `tool_http`: an HTTP request through the Core's built-in `http` plugin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct ToolHttp {
    /// HTTP method of the request.
    pub method: HttpMethod,
    /// Absolute `http(s)://` URL; templates allowed.
    #[schemars(extend("x-label" = "URL"))]
    pub url: String,
    /// Header name → value (templates allowed).
    pub headers: Map<String, Value>,
    /// Request body: a JSON value or a template string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// Seconds before the request is abandoned.
    #[schemars(range(min = 1), extend("x-label" = "Timeout (s)"))]
    pub timeout_s: u32,
    /// Variable the response is bound to; the node id when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_binding: Option<String>,
}

impl Default for ToolHttp {
    fn default() -> Self {
        Self {
            method: HttpMethod::Get,
            url: String::new(),
            headers: Map::new(),
            body: None,
            timeout_s: 30,
            result_binding: None,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    #[default]
    Get,
    Post,
    Put,
    Patch,
    Delete,
    Head,
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
            Self::Head => "HEAD",
        }
    }
}

/// `data_variable_set`: assigns flow variables, in order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct DataVariableSet {
    /// Variable name → expression.
    pub assignments: Map<String, Value>,
}
