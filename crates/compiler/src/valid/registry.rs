//! The model registry (`config.core_identity.models`) and the ScaiBunker capability.

use std::collections::HashSet;

use crate::diagnostic::Diagnostic;
use crate::ir::Graph;
use crate::valid::nodes::is_identifier;

pub(super) fn check(graph: &Graph<'_>, out: &mut Vec<Diagnostic>) {
    let Some(identity) = graph.flow.config.as_ref().and_then(|c| c.core_identity.as_ref()) else {
        return;
    };
    let base = "config.core_identity.models";
    if identity.models.is_empty() {
        out.push(Diagnostic::error("model registry is empty: add at least one model", base));
    }
    let mut seen = HashSet::new();
    for (i, entry) in identity.models.iter().enumerate() {
        let path = |field: &str| format!("{base}[{i}].{field}");
        let role = &entry.role;
        if !is_role(role) {
            out.push(Diagnostic::error(
                format!("model registry: role '{role}' must match ^[a-z][a-z0-9_]*$"),
                path("role"),
            ));
        } else if !seen.insert(role.as_str()) {
            out.push(Diagnostic::error(
                format!("model registry: role '{role}' is declared twice"),
                path("role"),
            ));
        }
        if entry.provider.trim().is_empty() {
            out.push(Diagnostic::error(
                format!("model registry: role '{role}' has no ref (provider)"),
                path("ref"),
            ));
        }
        if entry.model.trim().is_empty() {
            out.push(Diagnostic::error(
                format!("model registry: role '{role}' has no model"),
                path("model"),
            ));
        }
        if let Some(t) = entry.temperature.filter(|t| !(0.0..=2.0).contains(t)) {
            out.push(Diagnostic::error(
                format!(
                    "model registry: role '{role}' has temperature {t}; it must be between 0 and 2"
                ),
                path("temperature"),
            ));
        }
        for (j, fallback) in entry.fallback.iter().enumerate() {
            if fallback.provider.trim().is_empty() || fallback.model.trim().is_empty() {
                out.push(Diagnostic::error(
                    format!(
                        "model registry: fallback {} of role '{role}' needs a ref and a model",
                        j + 1
                    ),
                    format!("{base}[{i}].fallback[{j}]"),
                ));
            }
        }
    }
}

/// `^[a-z][a-z0-9_]*$`.
fn is_role(s: &str) -> bool {
    is_identifier(s)
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && !s.chars().any(|c| c.is_ascii_uppercase())
}
