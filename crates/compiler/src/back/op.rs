//! What each node does, in a form every back end shares: the ScaiCore construct a node becomes,
//! with scopes back-filled, plugin calls spelled out and bindings named. Back ends only choose
//! the syntax.

use std::borrow::Cow;

use flow_model::config::HitlReview;
use flow_model::flow_config::BunkerCapability;
use flow_model::{FlowConfig, NodeConfig as C};
use serde_json::{Map, Value, json};

use crate::ir::Graph;
use crate::valid::{duration_seconds, is_identifier, result_binding};

/// The construct one node compiles to.
#[derive(Debug, Clone, PartialEq)]
pub enum Op<'g> {
    /// `@flexible` (guard = None) or `@guarded`.
    Llm(Llm<'g>),
    /// `@rigid` rendering a template.
    Template { template: &'g str },
    /// `@rigid` calling a plugin method.
    PluginCall { alias: Cow<'g, str>, method: Cow<'g, str>, args: Cow<'g, Map<String, Value>> },
    /// `@rigid` assigning variables.
    Assign { assignments: &'g Map<String, Value> },
    /// `@checkpoint`, plain or with a ScaiQueue review target.
    Checkpoint(Checkpoint),
    /// `@core_call`.
    CoreCall(Map<String, Value>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Llm<'g> {
    pub guarded: bool,
    pub goal: &'g str,
    pub role: Option<&'g str>,
    pub guard: Option<&'g str>,
    pub validate: Option<&'g str>,
    pub output_schema: &'g Map<String, Value>,
    source: &'g C,
}

impl Llm<'_> {
    /// Every other field of the config (bindings, guidance, examples, ...), for the back ends
    /// that spell them out.
    pub fn rest(&self) -> Map<String, Value> {
        const SHOWN: [&str; 9] = [
            "goal",
            "llm_role",
            "model",
            "guard",
            "validate",
            "output_schema",
            "result_binding",
            "breakpoint",
            "",
        ];
        let mut map = self.source.to_map();
        map.retain(|k, v| !SHOWN.contains(&k.as_str()) && !v.is_null());
        map
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint {
    pub checkpoint_type: String,
    pub prompt: Option<String>,
    pub options: Vec<String>,
    pub timeout: Option<String>,
    pub on_timeout: Option<String>,
    pub assignee: Option<String>,
    pub hitl_target: Option<HitlTarget>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HitlTarget {
    pub scope: Option<String>,
    pub queue: String,
    /// The review form, as the runtime renders it.
    pub hitl_spec: Value,
}

impl Op<'_> {
    /// The plugin the node calls, if any.
    pub fn plugin_alias(&self) -> Option<&str> {
        match self {
            Op::PluginCall { alias, .. } => Some(alias),
            _ => None,
        }
    }
}

/// The construct of a step node (not an entry, decision, loop or parallel node).
pub fn op<'g>(graph: &'g Graph<'_>, n: usize) -> Op<'g> {
    let node = graph.node(n);
    let scope =
        |own: &Option<String>| own.clone().or_else(|| flow_scope(graph.flow.config.as_ref()));
    let Some(config) = graph.config(n) else {
        // Back ends only run on graphs without errors, where every config parsed.
        return Op::Template { template: "" };
    };
    match config {
        C::LlmFlexible(c) => Op::Llm(Llm {
            guarded: false,
            goal: &c.goal,
            role: c.llm_role.as_deref(),
            guard: None,
            validate: None,
            output_schema: &c.output_schema,
            source: config,
        }),
        C::LlmGuarded(c) => Op::Llm(Llm {
            guarded: true,
            goal: &c.goal,
            role: c.llm_role.as_deref(),
            guard: c.guard.as_deref(),
            validate: c.validate.as_deref(),
            output_schema: &c.output_schema,
            source: config,
        }),
        C::LlmRigid(c) => Op::Template { template: &c.template },
        C::ToolPlugin(c) => Op::PluginCall {
            alias: Cow::Borrowed(&c.plugin),
            method: Cow::Borrowed(&c.method),
            args: Cow::Borrowed(&c.args),
        },
        C::ToolHttp(c) => {
            let mut args = object(json!({"method": c.method.as_str(), "url": c.url}));
            if !c.headers.is_empty() {
                args.insert("headers".into(), Value::Object(c.headers.clone()));
            }
            if let Some(body) = &c.body {
                args.insert("body".into(), body.clone());
            }
            args.insert("timeout_s".into(), c.timeout_s.into());
            Op::PluginCall {
                alias: "http".into(),
                method: "request".into(),
                args: Cow::Owned(args),
            }
        }
        C::DataVariableSet(c) => Op::Assign { assignments: &c.assignments },
        C::Checkpoint(c) => Op::Checkpoint(Checkpoint {
            checkpoint_type: c.checkpoint_type.clone(),
            prompt: c.prompt.clone(),
            options: c.options.clone(),
            timeout: c.timeout.clone(),
            on_timeout: c.on_timeout.clone(),
            assignee: c.assignee.clone(),
            hitl_target: None,
        }),
        C::HitlDecision(c) => Op::Checkpoint(Checkpoint {
            checkpoint_type: c.checkpoint_type.clone(),
            prompt: c.prompt.clone(),
            options: c.options.clone(),
            timeout: c.timeout.clone(),
            on_timeout: c.on_timeout.clone(),
            assignee: None,
            hitl_target: None,
        }),
        C::HitlReview(c) => Op::Checkpoint(review(c, scope(&c.scope))),
        C::QueuePublish(c) => scaiqueue(
            "publish",
            json!({"scope": scope(&c.scope), "queue": c.queue, "message_type": c.message_type, "payload": c.payload}),
        ),
        C::QueueConsume(c) => scaiqueue(
            "consume",
            json!({"scope": scope(&c.scope), "queue": c.queue, "consumer_id": c.consumer_id}),
        ),
        C::QueueEscalation(c) => scaiqueue(
            "escalate",
            json!({"scope": scope(&c.scope), "queue": c.escalation_queue, "reason": c.reason}),
        ),
        C::ComputeProvision(c) => {
            let mut args = object(json!({
                "image": c.image, "lifecycle": c.lifecycle, "cpu_millicores": c.cpu_millicores,
                "memory_mb": c.memory_mb, "network_profile": c.network_profile,
            }));
            if let Some(disk) = c.disk_mb {
                args.insert("disk_mb".into(), disk.into());
            }
            scaibunker("create", args)
        }
        C::ComputeExec(c) => {
            scaibunker("exec", object(json!({"command": c.command, "timeout_s": c.timeout_s})))
        }
        C::ComputeFileUpload(c) => {
            scaibunker("write_file", object(json!({"path": c.path, "content": c.content})))
        }
        C::ComputeFileDownload(c) => scaibunker("read_file", object(json!({"path": c.path}))),
        C::ComputeDestroy(_) => scaibunker("destroy", Map::new()),
        C::SubflowCall(c) => {
            let mut call = object(json!({
                "target": c.target, "input_bindings": c.input_bindings, "instance_key": c.instance_key,
                "version": c.version, "timeout": c.timeout, "is_async": c.is_async,
            }));
            if let Some(flow) = &c.flow_name {
                call.insert("flow_name".into(), flow.clone().into());
            }
            Op::CoreCall(call)
        }
        C::EntryApi(_)
        | C::EntryWebhook(_)
        | C::EntrySchedule(_)
        | C::LogicDecision(_)
        | C::LogicLoop(_)
        | C::LogicParallel(_) => {
            // Structural kinds are emitted as triggers and blocks, never as operations.
            debug_assert!(false, "op() called for structural node {}", node.id);
            Op::Template { template: "" }
        }
    }
}

/// The review checkpoint: its `hitl_spec` is ScaiQueue's form (the documented sections, and
/// `timeout_s` when the node has a timeout), its options the decision buttons' ids.
fn review(c: &HitlReview, scope: Option<String>) -> Checkpoint {
    let mut spec = object(json!({"sections": c.sections}));
    if let Some(seconds) = c.timeout.as_deref().and_then(duration_seconds) {
        spec.insert("timeout_s".into(), json!(seconds));
    }
    if let Some(priority) = c.priority {
        spec.insert("priority".into(), json!(priority));
    }
    Checkpoint {
        checkpoint_type: "hitl_review".into(),
        prompt: c.prompt.clone(),
        options: c.sections.option_ids(),
        timeout: c.timeout.clone(),
        on_timeout: c.on_timeout.clone(),
        assignee: c.assignee.clone(),
        hitl_target: Some(HitlTarget {
            scope,
            queue: c.queue.clone(),
            hitl_spec: Value::Object(spec),
        }),
    }
}

fn scaiqueue(method: &str, args: Value) -> Op<'static> {
    Op::PluginCall {
        alias: "scaiqueue".into(),
        method: method.to_owned().into(),
        args: Cow::Owned(object(args)),
    }
}

fn scaibunker(method: &str, args: Map<String, Value>) -> Op<'static> {
    Op::PluginCall {
        alias: "scaibunker".into(),
        method: method.to_owned().into(),
        args: Cow::Owned(args),
    }
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn flow_scope(config: Option<&FlowConfig>) -> Option<String> {
    config?.scaiqueue.as_ref()?.scope.clone()
}

/// The variable a node's result is bound to: its `result_binding`, else its id made a valid
/// ScaiCore identifier (`Node-1` → `node_1`).
pub fn binding(graph: &Graph<'_>, n: usize) -> String {
    if let Some(name) = graph.config(n).and_then(result_binding) {
        return name.to_owned();
    }
    identifier(&graph.node(n).id)
}

/// `text` as a ScaiCore identifier: lower-case, `_` for anything else, `n_` before a digit.
pub fn identifier(text: &str) -> String {
    if is_identifier(text) {
        return text.to_owned();
    }
    let mut out: String = text
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_lowercase() || c == '_') {
        out.insert_str(0, "n_");
    }
    out
}

/// The ScaiCore type of an output schema: `{ field: type, ... }`, or `string` when empty.
pub fn output_type(schema: &Map<String, Value>) -> String {
    if schema.is_empty() {
        return "string".to_owned();
    }
    let fields: Vec<String> = schema
        .iter()
        .map(|(field, ty)| match ty {
            Value::String(ty) => format!("{field}: {ty}"),
            other => format!("{field}: {other}"),
        })
        .collect();
    format!("{{ {} }}", fields.join(", "))
}

/// Plugins the Core needs: those the flow config declares, then those its nodes use, each alias
/// once, as `(alias, endpoint)`.
pub fn plugins(graph: &Graph<'_>) -> Vec<(String, String)> {
    let mut plugins: Vec<(String, String)> = Vec::new();
    let mut add = |alias: &str, endpoint: Option<&str>| {
        if !alias.is_empty() && !plugins.iter().any(|(a, _)| a == alias) {
            let endpoint = endpoint.map_or_else(|| format!("plugin://{alias}"), str::to_owned);
            plugins.push((alias.to_owned(), endpoint));
        }
    };
    for declared in graph.flow.config.as_ref().map(|c| c.plugins.as_slice()).unwrap_or_default() {
        match declared {
            Value::String(alias) => add(alias, None),
            Value::Object(p) => {
                if let Some(alias) = p.get("alias").and_then(Value::as_str) {
                    add(alias, p.get("endpoint").and_then(Value::as_str));
                }
            }
            _ => {}
        }
    }
    for &n in &graph.nodes {
        let alias = match graph.config(n) {
            Some(C::ToolPlugin(c)) => c.plugin.as_str(),
            Some(C::ToolHttp(_)) => "http",
            Some(C::QueuePublish(_) | C::QueueConsume(_) | C::QueueEscalation(_)) => "scaiqueue",
            Some(
                C::ComputeProvision(_)
                | C::ComputeExec(_)
                | C::ComputeFileUpload(_)
                | C::ComputeFileDownload(_)
                | C::ComputeDestroy(_),
            ) => "scaibunker",
            _ => continue,
        };
        add(alias, None);
    }
    plugins
}

/// The bunker capability: the configured one, or the default when compute nodes exist.
pub fn bunker(graph: &Graph<'_>) -> Option<BunkerCapability> {
    let configured = graph.flow.config.as_ref().and_then(|c| c.bunker.clone());
    let computes =
        graph.nodes.iter().any(|&n| graph.node(n).kind.category() == flow_model::Category::Compute);
    configured.or_else(|| computes.then(BunkerCapability::default))
}

/// A loop node's style and settings.
pub fn loop_style<'g>(graph: &'g Graph<'_>, n: usize) -> Option<&'g flow_model::config::LogicLoop> {
    match graph.config(n) {
        Some(C::LogicLoop(c)) => Some(c),
        _ => None,
    }
}
