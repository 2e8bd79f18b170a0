//! The YAML manifest back end: the artifact ScaiGrid's `POST /v1/modules/scaicore/cores` takes.
//!
//! Lowers a flow that runs as one chain from its entry point. Every step carries `meta` with
//! the node's id, kind, label and full config, and `core.scaiflow_meta` keeps what ScaiCore
//! ignores but an import needs (the model registry, source linkage, deploy intents).

use flow_model::{EdgeKind, Node, NodeKind};
use serde_json::Value as Json;
use serde_yaml::{Mapping, Value};

use crate::CompileError;
use crate::ir::Graph;

/// The runtime version when the flow names no `scaicore_target`.
const DEFAULT_RUNTIME: &str = "0.2";

/// Emits the manifest text.
pub fn emit(graph: &Graph<'_>) -> Result<String, CompileError> {
    let flow = graph.flow;
    let entries: Vec<usize> =
        graph.nodes.iter().copied().filter(|&n| graph.node(n).kind.is_entry()).collect();
    let Some(&entry) = entries.first() else {
        return Err(unsupported(&flow.id, "flow has no entry-point node"));
    };
    if let Some(&second) = entries.get(1) {
        return Err(unsupported(
            &graph.node(second).id,
            "a second entry point is not compiled yet",
        ));
    }
    let chain = chain_from(graph, entry)?;
    if let Some(&orphan) = graph.nodes.iter().find(|n| **n != entry && !chain.contains(n)) {
        return Err(unsupported(
            &graph.node(orphan).id,
            "node is not reachable from the entry point",
        ));
    }
    let steps = chain.iter().map(|&n| step(graph, graph.node(n))).collect::<Result<Vec<_>, _>>()?;

    let slug = slug(&flow.name);
    let runtime = flow.scaicore_target.clone().unwrap_or_else(|| DEFAULT_RUNTIME.to_owned());
    let config = flow.config.clone().unwrap_or_default();
    let models = config.core_identity.as_ref().map(|c| c.models.clone()).unwrap_or_default();
    let persona = config
        .core_identity
        .as_ref()
        .and_then(|c| c.name.clone())
        .unwrap_or_else(|| flow.name.clone());

    let mut core = Mapping::new();
    core.insert("name".into(), slug.clone().into());
    core.insert("mode".into(), "stateless".into());
    core.insert("runtime_version".into(), runtime.clone().into());
    core.insert(
        "identity".into(),
        map([("provider", "scaikey".into()), ("persona", persona.into())]),
    );
    if let Some(primary) = models.first() {
        core.insert("model".into(), format!("{}/{}", primary.provider, primary.model).into());
    }
    let plugins = plugins(graph);
    if !plugins.is_empty() {
        core.insert("plugins".into(), Value::Sequence(plugins));
    }
    if let Some(scaiqueue) = &config.scaiqueue {
        core.insert("scaiqueue".into(), to_yaml(scaiqueue));
    }
    let trigger = match graph.node(entry).kind {
        NodeKind::EntryWebhook => "webhook",
        NodeKind::EntrySchedule => "schedule",
        _ => "api",
    };
    core.insert(
        "flows".into(),
        Value::Sequence(vec![map([
            ("name", slug.into()),
            ("trigger", map([("type", trigger.into())])),
            ("steps", Value::Sequence(steps)),
        ])]),
    );
    let models_json = serde_json::to_value(&models).unwrap_or(Json::Null);
    core.insert(
        "scaiflow_meta".into(),
        map([
            ("source_id", flow.id.clone().into()),
            ("source_version", flow.version.clone().into()),
            ("scaicore_target", runtime.into()),
            ("publish_as_model", config.publish_as_model.into()),
            (
                "model_visibility_group_ids",
                Value::Sequence(
                    config.model_visibility_group_ids.iter().map(|g| g.as_str().into()).collect(),
                ),
            ),
            ("models", to_yaml(&models_json)),
        ]),
    );

    let mut root = Mapping::new();
    root.insert("core".into(), Value::Mapping(core));
    serde_yaml::to_string(&Value::Mapping(root))
        .map_err(|e| unsupported(&flow.id, &format!("manifest could not be written: {e}")))
}

/// The nodes after `entry`, following the single control edge out of each.
fn chain_from(graph: &Graph<'_>, entry: usize) -> Result<Vec<usize>, CompileError> {
    let mut chain = Vec::new();
    let mut current = entry;
    loop {
        let out: Vec<_> = graph.control_out(current).collect();
        match out.as_slice() {
            [] => return Ok(chain),
            [link] if graph.edge(*link).kind == EdgeKind::Sequential => {
                chain.push(link.target);
                current = link.target;
            }
            [_] => {
                return Err(unsupported(
                    &graph.node(current).id,
                    "conditional edges are not compiled yet",
                ));
            }
            _ => {
                return Err(unsupported(
                    &graph.node(current).id,
                    "branching to several nodes is not compiled yet",
                ));
            }
        }
    }
}

/// One step of the flow body.
fn step(graph: &Graph<'_>, node: &Node) -> Result<Value, CompileError> {
    let config = &node.config;
    let text = |key: &str| config.get(key).and_then(Json::as_str).unwrap_or_default().to_owned();
    let mut step = Mapping::new();
    match node.kind {
        NodeKind::LlmFlexible => {
            step.insert("llm_turn".into(), text("goal").into());
        }
        NodeKind::LlmGuarded => {
            step.insert("llm_turn".into(), text("goal").into());
            step.insert("guarded".into(), true.into());
            if let Some(guard) = config.get("guard").and_then(Json::as_str) {
                step.insert("guard".into(), guard.into());
            }
        }
        NodeKind::ToolPlugin => {
            let args = config.get("args").map(to_yaml).unwrap_or(Value::Mapping(Mapping::new()));
            step.insert(
                "plugin_call".into(),
                map([
                    ("alias", text("plugin").into()),
                    ("method", text("method").into()),
                    ("args", args),
                ]),
            );
        }
        NodeKind::Checkpoint | NodeKind::HitlDecision => {
            let kind = config.get("type").and_then(Json::as_str).unwrap_or("approval");
            let mut checkpoint = map_of([("type", kind.into())]);
            for key in ["prompt", "options", "timeout", "on_timeout"] {
                if let Some(value) = config.get(key).filter(|v| !v.is_null()) {
                    checkpoint.insert(key.into(), to_yaml(value));
                }
            }
            step.insert("checkpoint".into(), Value::Mapping(checkpoint));
        }
        NodeKind::HitlReview => {
            let scope = config
                .get("scope")
                .and_then(Json::as_str)
                .map(str::to_owned)
                .or_else(|| flow_scope(graph))
                .map_or(Value::Null, Value::from);
            step.insert(
                "checkpoint".into(),
                map([
                    ("type", "hitl_review".into()),
                    ("scope", scope),
                    ("queue", text("queue").into()),
                ]),
            );
        }
        kind => {
            return Err(unsupported(
                &node.id,
                &format!("node kind '{}' is not compiled to YAML yet", kind.as_str()),
            ));
        }
    }
    step.insert(
        "meta".into(),
        map([
            ("node_id", node.id.clone().into()),
            ("node_kind", node.kind.as_str().into()),
            ("node_label", node.label.clone().into()),
            ("node_config", to_yaml(&Json::Object(node.config.clone()))),
        ]),
    );
    Ok(Value::Mapping(step))
}

/// Plugins declared in the flow config, then those tool nodes use, each alias once.
fn plugins(graph: &Graph<'_>) -> Vec<Value> {
    let mut aliases: Vec<String> = Vec::new();
    let declared = graph.flow.config.as_ref().map(|c| c.plugins.as_slice()).unwrap_or_default();
    for plugin in declared {
        let alias = plugin.as_str().or_else(|| plugin.get("alias").and_then(Json::as_str));
        if let Some(alias) = alias {
            aliases.push(alias.to_owned());
        }
    }
    for &n in &graph.nodes {
        let node = graph.node(n);
        if node.kind == NodeKind::ToolPlugin
            && let Some(alias) = node.config.get("plugin").and_then(Json::as_str)
        {
            aliases.push(alias.to_owned());
        }
    }
    let mut unique: Vec<String> = Vec::new();
    for alias in aliases {
        if !alias.is_empty() && !unique.contains(&alias) {
            unique.push(alias);
        }
    }
    unique
        .into_iter()
        .map(|alias| {
            let endpoint = format!("plugin://{alias}");
            map([("alias", alias.into()), ("endpoint", endpoint.into())])
        })
        .collect()
}

fn flow_scope(graph: &Graph<'_>) -> Option<String> {
    let scaiqueue = graph.flow.config.as_ref()?.scaiqueue.as_ref()?;
    scaiqueue.get("scope").and_then(Json::as_str).map(str::to_owned)
}

/// The Core name: lower-case words joined by dashes (`Customer Support` → `customer-support`).
pub fn slug(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_owned();
    if slug.is_empty() { "flow".to_owned() } else { slug }
}

fn unsupported(node_id: &str, reason: &str) -> CompileError {
    CompileError::Unsupported { node_id: node_id.to_owned(), reason: reason.to_owned() }
}

fn map<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Mapping(map_of(pairs))
}

fn map_of<const N: usize>(pairs: [(&str, Value); N]) -> Mapping {
    pairs.into_iter().map(|(k, v)| (Value::from(k), v)).collect()
}

/// JSON config values carried into YAML unchanged.
fn to_yaml(value: &Json) -> Value {
    serde_yaml::to_value(value).unwrap_or(Value::Null)
}
