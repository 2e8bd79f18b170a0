//! Checks of each node's configuration against what its kind needs.

use std::collections::HashMap;

use flow_model::NodeConfig as C;
use flow_model::config::{DecisionStyle, LoopStyle};

use crate::diagnostic::Diagnostic;
use crate::ir::Graph;

/// Per-node findings: model roles, loop bounds, required fields, value formats, bindings.
///
/// Longer than most functions on purpose: one match arm per node kind, each a few lines that
/// share the `report` closure and the registry's roles, so every kind's rules read in one place.
pub(super) fn check(graph: &Graph<'_>, out: &mut Vec<Diagnostic>) {
    let roles: Vec<&str> = graph
        .flow
        .config
        .as_ref()
        .and_then(|c| c.core_identity.as_ref())
        .map(|c| c.models.iter().map(|m| m.role.as_str()).collect())
        .unwrap_or_default();
    let mut bindings: HashMap<String, &str> = HashMap::new();

    for &n in &graph.nodes {
        let Some(config) = graph.config(n) else { continue };
        let node = graph.node(n);
        let first = out.len();
        let mut report = |error: bool, field: &str, message: String| {
            let path = if field.is_empty() {
                format!("nodes[{n}]")
            } else {
                format!("nodes[{n}].config.{field}")
            };
            let d = if error {
                Diagnostic::error(message, path)
            } else {
                Diagnostic::warning(message, path)
            };
            out.push(d.on_node(&node.id));
        };
        let id = &node.id;

        match config {
            C::LlmGuarded(c) => {
                llm_role(id, c.llm_role.as_deref(), &roles, &mut report);
                output_schema(id, &c.output_schema, &mut report);
                if c.goal.trim().is_empty() {
                    report(true, "goal", format!("node '{id}': llm_guarded needs a goal"));
                }
            }
            C::LlmFlexible(c) => {
                llm_role(id, c.llm_role.as_deref(), &roles, &mut report);
                output_schema(id, &c.output_schema, &mut report);
                if c.goal.trim().is_empty() {
                    report(true, "goal", format!("node '{id}': llm_flexible needs a goal"));
                }
            }
            C::LlmRigid(c) if c.template.trim().is_empty() => {
                report(false, "template", format!("node '{id}': the template is empty"));
            }
            C::LogicLoop(c) => {
                match c.style {
                    LoopStyle::While if c.max_iterations.is_none() => {
                        report(true, "max_iterations", "while loop missing max_iterations".into());
                    }
                    LoopStyle::While
                        if c.condition.as_deref().is_none_or(|s| s.trim().is_empty()) =>
                    {
                        report(
                            true,
                            "condition",
                            format!("node '{id}': while loop needs a condition"),
                        );
                    }
                    LoopStyle::Foreach
                        if c.items.as_deref().is_none_or(|s| s.trim().is_empty()) =>
                    {
                        report(true, "items", format!("node '{id}': foreach loop needs items"));
                    }
                    _ => {}
                }
                if c.max_iterations == Some(0) {
                    report(
                        true,
                        "max_iterations",
                        format!("node '{id}': max_iterations must be at least 1"),
                    );
                }
                if c.style == LoopStyle::Foreach && !is_identifier(&c.item_var) {
                    report(
                        true,
                        "item_var",
                        format!("node '{id}': item_var '{}' is not a valid name", c.item_var),
                    );
                }
            }
            C::LogicDecision(c)
                if c.style == DecisionStyle::Match
                    && c.subject.as_deref().is_none_or(|s| s.trim().is_empty()) =>
            {
                report(true, "subject", format!("node '{id}': a match decision needs a subject"));
            }
            C::LogicParallel(c) if c.max_concurrent == Some(0) => {
                report(
                    true,
                    "max_concurrent",
                    format!("node '{id}': max_concurrent must be at least 1"),
                );
            }
            C::ToolPlugin(c) => {
                if c.plugin.trim().is_empty() {
                    report(true, "plugin", format!("node '{id}': tool_plugin needs a plugin"));
                } else if !is_identifier(&c.plugin) {
                    report(
                        true,
                        "plugin",
                        format!("node '{id}': plugin alias '{}' is not a valid name", c.plugin),
                    );
                }
                if c.method.trim().is_empty() {
                    report(true, "method", format!("node '{id}': tool_plugin needs a method"));
                }
            }
            C::ToolHttp(c) => {
                let url = c.url.trim();
                if url.is_empty() {
                    report(true, "url", format!("node '{id}': tool_http needs a url"));
                } else if !(url.starts_with("http://")
                    || url.starts_with("https://")
                    || url.starts_with("{{"))
                {
                    report(
                        true,
                        "url",
                        format!("node '{id}': url '{url}' must start with http:// or https://"),
                    );
                }
                if c.timeout_s == 0 {
                    report(true, "timeout_s", format!("node '{id}': timeout_s must be at least 1"));
                }
            }
            C::DataVariableSet(c) => {
                if c.assignments.is_empty() {
                    report(false, "assignments", format!("node '{id}': assigns no variables"));
                }
                for name in c.assignments.keys().filter(|k| !is_identifier(k)) {
                    report(
                        true,
                        "assignments",
                        format!("node '{id}': '{name}' is not a valid variable name"),
                    );
                }
            }
            C::Checkpoint(c) => duration(id, "timeout", c.timeout.as_deref(), &mut report),
            C::HitlDecision(c) => duration(id, "timeout", c.timeout.as_deref(), &mut report),
            C::HitlReview(c) => {
                duration(id, "timeout", c.timeout.as_deref(), &mut report);
                review_form(id, &c.sections, &mut report);
            }
            C::EntrySchedule(c) => {
                let fields = c.cron.split_whitespace().count();
                if fields != 5 {
                    report(
                        true,
                        "cron",
                        format!("node '{id}': cron '{}' must have 5 fields, not {fields}", c.cron),
                    );
                }
                if c.timezone.trim().is_empty() {
                    report(
                        true,
                        "timezone",
                        format!("node '{id}': entry_schedule needs a timezone"),
                    );
                }
            }
            C::ComputeExec(c) => {
                if c.command.is_empty() {
                    report(true, "command", format!("node '{id}': compute_exec needs a command"));
                }
                if c.timeout_s == 0 {
                    report(true, "timeout_s", format!("node '{id}': timeout_s must be at least 1"));
                }
            }
            C::ComputeFileUpload(c) if c.path.trim().is_empty() => {
                report(true, "path", format!("node '{id}': compute_file_upload needs a path"));
            }
            C::ComputeFileDownload(c) if c.path.trim().is_empty() => {
                report(true, "path", format!("node '{id}': compute_file_download needs a path"));
            }
            C::SubflowCall(c) => {
                if !is_core_uri(&c.target) {
                    report(
                        true,
                        "target",
                        format!(
                            "node '{id}': target '{}' must look like core://tenant/slug",
                            c.target
                        ),
                    );
                }
                duration(id, "timeout", Some(&c.timeout), &mut report);
            }
            _ => {}
        }

        if let Some(binding) = result_binding(config) {
            if !is_identifier(binding) {
                report(
                    true,
                    "result_binding",
                    format!("node '{id}': result_binding '{binding}' is not a valid name"),
                );
            } else if let Some(other) = bindings.insert(binding.to_owned(), id) {
                report(
                    false,
                    "result_binding",
                    format!(
                        "node '{id}': result_binding '{binding}' is also used by node '{other}'"
                    ),
                );
            }
        }
        // With no model declared at all, a role is fixed in the registry, not on the node.
        if roles.is_empty() {
            for d in &mut out[first..] {
                if d.path.ends_with(".config.llm_role") {
                    d.fix_path = Some("config.core_identity.models".into());
                }
            }
        }
    }
}

fn llm_role(
    id: &str,
    role: Option<&str>,
    roles: &[&str],
    report: &mut impl FnMut(bool, &str, String),
) {
    match role {
        Some(role) if !roles.contains(&role) => report(
            true,
            "llm_role",
            format!("llm_role validation failed: node '{id}': llm_role='{role}' is not declared"),
        ),
        None if roles.is_empty() => report(
            true,
            "llm_role",
            format!(
                "llm_role validation failed: node '{id}': no model is declared \
                 (add one to config.core_identity.models)"
            ),
        ),
        _ => {}
    }
}

fn duration(
    id: &str,
    field: &str,
    value: Option<&str>,
    report: &mut impl FnMut(bool, &str, String),
) {
    if let Some(value) = value.filter(|v| !is_duration(v)) {
        report(
            true,
            field,
            format!("node '{id}': {field} '{value}' is not a duration such as 30s, 5m or 1h"),
        );
    }
}

/// The review form of a `hitl_review` node: every section complete, option ids present and
/// distinct, one decision section (its chosen option id is the checkpoint's resolution).
fn review_form(
    id: &str,
    sections: &flow_model::config::ReviewSections,
    report: &mut impl FnMut(bool, &str, String),
) {
    use flow_model::config::{INPUT_KINDS, ReviewSection};
    let mut decisions = 0;
    let mut fields: HashMap<&str, usize> = HashMap::new();
    for (i, section) in sections.0.iter().enumerate() {
        let n = i + 1;
        let at = |field: &str| format!("sections[{i}].{field}");
        match section {
            ReviewSection::Context(c) => {
                if c.title.trim().is_empty() && c.content.trim().is_empty() {
                    report(
                        false,
                        &at("content"),
                        format!("node '{id}': context section {n} shows nothing"),
                    );
                }
            }
            ReviewSection::Input(input) => {
                let field = input.field.trim();
                if field.is_empty() {
                    report(
                        true,
                        &at("field"),
                        format!("node '{id}': input section {n} names no field"),
                    );
                } else if let Some(first) = fields.insert(field, n) {
                    report(
                        true,
                        &at("field"),
                        format!(
                            "node '{id}': sections {first} and {n} both return field '{field}'"
                        ),
                    );
                }
                if !INPUT_KINDS.contains(&input.kind.as_str()) {
                    report(
                        true,
                        &at("kind"),
                        format!(
                            "node '{id}': input '{field}' has kind '{}' (use {})",
                            input.kind,
                            INPUT_KINDS.join(", ")
                        ),
                    );
                }
                if input.kind == "select" && input.options.is_empty() {
                    report(
                        true,
                        &at("options"),
                        format!("node '{id}': select input '{field}' has no options"),
                    );
                }
            }
            ReviewSection::Decision(d) => {
                decisions += 1;
                let field = d.field.trim();
                if let Some(first) = fields.insert(field, n).filter(|_| !field.is_empty()) {
                    report(
                        true,
                        &at("field"),
                        format!(
                            "node '{id}': sections {first} and {n} both return field '{field}'"
                        ),
                    );
                }
                if decisions == 2 {
                    report(
                        true,
                        &format!("sections[{i}]"),
                        format!(
                            "node '{id}': the review form has more than one decision section; a review resolves with one decision"
                        ),
                    );
                }
                if d.options.is_empty() {
                    report(
                        true,
                        &at("options"),
                        format!("node '{id}': decision section {n} has no options"),
                    );
                }
                let mut seen = std::collections::HashSet::new();
                for (j, option) in d.options.iter().enumerate() {
                    let option_id = option.id.trim();
                    let path = format!("sections[{i}].options[{j}].id");
                    if option_id.is_empty() {
                        report(
                            true,
                            &path,
                            format!("node '{id}': decision option {} has no id", j + 1),
                        );
                    } else if !seen.insert(option_id) {
                        report(
                            true,
                            &path,
                            format!("node '{id}': decision option '{option_id}' is listed twice"),
                        );
                    }
                }
            }
        }
    }
    if decisions == 0 {
        report(
            false,
            "sections",
            format!(
                "node '{id}': the review form has no decision section, so the reviewer has no button to resolve it with"
            ),
        );
    }
}

/// The number of whole seconds a duration literal stands for (`1h` → 3600; `ms` rounds up).
pub(crate) fn duration_seconds(s: &str) -> Option<u64> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let number: u64 = s[..digits].parse().ok()?;
    let unit = match &s[digits..] {
        "ms" => return Some(number.div_ceil(1000)),
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return None,
    };
    number.checked_mul(unit)
}

/// The name a node's result is bound to, when the config sets one.
pub(crate) fn result_binding(config: &C) -> Option<&str> {
    match config {
        C::LlmRigid(c) => c.result_binding.as_deref(),
        C::LlmGuarded(c) => c.result_binding.as_deref(),
        C::LlmFlexible(c) => c.result_binding.as_deref(),
        C::ToolPlugin(c) => c.result_binding.as_deref(),
        C::ToolHttp(c) => c.result_binding.as_deref(),
        C::QueueConsume(c) => c.result_binding.as_deref(),
        C::ComputeProvision(c) => c.result_binding.as_deref(),
        C::ComputeExec(c) => c.result_binding.as_deref(),
        C::ComputeFileDownload(c) => c.result_binding.as_deref(),
        C::SubflowCall(c) => c.result_binding.as_deref(),
        _ => None,
    }
}

/// ScaiCore's `IDENTIFIER`: `[a-z_][a-zA-Z0-9_]*`.
pub(crate) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A duration literal: digits and one unit of `ms`, `s`, `m`, `h`, `d`, `w`.
pub(crate) fn is_duration(s: &str) -> bool {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && matches!(&s[digits..], "ms" | "s" | "m" | "h" | "d" | "w")
}

fn is_core_uri(s: &str) -> bool {
    s.strip_prefix("core://")
        .and_then(|rest| rest.split_once('/'))
        .is_some_and(|(tenant, slug)| !tenant.is_empty() && !slug.is_empty() && !slug.contains('/'))
}

/// Output schema fields must be identifiers with a ScaiCore type: a scalar (`string`, `int`,
/// `float`, `bool`, ...), `array[T]`, `map<K, V>`, `enum[a, b]`, or a declared type name
/// (capitalised). A misspelt scalar (`strng`) is reported as an error, since it can only be a
/// typo.
fn output_schema(
    id: &str,
    schema: &serde_json::Map<String, serde_json::Value>,
    report: &mut impl FnMut(bool, &str, String),
) {
    for (field, ty) in schema {
        let path = format!("output_schema.{field}");
        if !is_identifier(field) {
            report(
                true,
                &path,
                format!("node '{id}': output field '{field}' is not an identifier"),
            );
        }
        match ty.as_str() {
            Some(ty) if is_scaicore_type(ty.trim()) => {}
            Some(ty) => report(
                true,
                &path,
                format!(
                    "node '{id}': output field '{field}' has an unknown type '{ty}' (use string, int, float, bool, object, array[T], map<K, V>, enum[a, b] or a declared type)"
                ),
            ),
            None => report(
                true,
                &path,
                format!("node '{id}': the type of output field '{field}' must be a string"),
            ),
        }
    }
}

/// Scalars ScaiCore knows.
const SCALARS: &[&str] = &[
    "string", "str", "int", "integer", "float", "number", "bool", "boolean", "object", "array",
    "any", "datetime",
];

/// Whether `ty` is ScaiCore type syntax.
fn is_scaicore_type(ty: &str) -> bool {
    let ty = ty.trim();
    let ty = ty.strip_suffix('?').unwrap_or(ty).trim();
    if SCALARS.contains(&ty) {
        return true;
    }
    if let Some(inner) = ty.strip_prefix("array[").and_then(|t| t.strip_suffix(']')) {
        return is_scaicore_type(inner);
    }
    if let Some(values) = ty.strip_prefix("enum[").and_then(|t| t.strip_suffix(']')) {
        let values: Vec<&str> = values.split(',').map(str::trim).collect();
        return values.iter().all(|v| !v.is_empty());
    }
    if let Some(inner) = ty.strip_prefix("map<").and_then(|t| t.strip_suffix('>')) {
        // The key is a scalar, so the first comma separates key and value.
        return match inner.split_once(',') {
            Some((key, value)) => is_scaicore_type(key) && is_scaicore_type(value),
            None => false,
        };
    }
    // A declared type: `Ticket`, `CustomerRecord`.
    ty.starts_with(|c: char| c.is_ascii_uppercase())
        && ty.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert!(is_identifier("node_1") && is_identifier("_x") && is_identifier("camelCase"));
        assert!(
            !is_identifier("1x")
                && !is_identifier("Node")
                && !is_identifier("a-b")
                && !is_identifier("")
        );
        assert!(
            is_duration("30s") && is_duration("1h") && is_duration("250ms") && is_duration("2w")
        );
        assert!(
            !is_duration("s") && !is_duration("1.5h") && !is_duration("10 m") && !is_duration("1y")
        );
        assert!(is_core_uri("core://acme/customer-lookup"));
        assert!(
            !is_core_uri("core://acme") && !is_core_uri("core:///x") && !is_core_uri("http://a/b")
        );
    }

    #[test]
    fn scaicore_type_syntax() {
        for ok in [
            "string",
            "float",
            "array",
            "array[string]",
            "array[map<string, int>]",
            "enum[question, complaint, request]",
            "map<string, string>",
            "int?",
            "Ticket",
        ] {
            assert!(is_scaicore_type(ok), "{ok}");
        }
        for bad in ["strng", "", "array[strng]", "enum[a, ]", "map<string>", "ticket type", "list"]
        {
            assert!(!is_scaicore_type(bad), "{bad}");
        }
    }
}
