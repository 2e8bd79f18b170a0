//! Diagnostics: what analysis reports about a flow, located by JSON path, node and edge.

use serde::{Deserialize, Serialize};

/// Errors block compiling and deploying; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One finding, in the shape the validate endpoint and the canvas use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// Where in the document, e.g. `edges[2]` or `nodes[0].config.llm_role`.
    pub path: String,
    pub node_id: Option<String>,
    pub edge_id: Option<String>,
    /// Where the problem is fixed, when that is not `path` (a node that names no model is
    /// fixed in `config.core_identity.models`); left out otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix_path: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>, path: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            message: message.into(),
            path: path.into(),
            node_id: None,
            edge_id: None,
            fix_path: None,
        }
    }

    pub fn warning(message: impl Into<String>, path: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, ..Self::error(message, path) }
    }

    pub fn on_node(mut self, id: &str) -> Self {
        self.node_id = Some(id.to_owned());
        self
    }

    pub fn on_edge(mut self, id: &str) -> Self {
        self.edge_id = Some(id.to_owned());
        self
    }

    /// Says where the problem is fixed (see [`Diagnostic::fix_path`]).
    pub fn fixed_at(mut self, path: &str) -> Self {
        self.fix_path = Some(path.to_owned());
        self
    }

    /// Where the problem is fixed: `fix_path`, else `path`.
    pub fn fix_location(&self) -> &str {
        self.fix_path.as_deref().unwrap_or(&self.path)
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}
