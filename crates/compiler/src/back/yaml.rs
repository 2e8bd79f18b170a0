//! The YAML manifest back end: the artifact ScaiGrid's `POST /v1/modules/scaicore/cores` takes.
//!
//! `core` carries the identity, the primary model, plugins, capabilities, the ScaiQueue topology
//! and one entry per flow (`trigger` + `steps`). Every step made from a node carries `meta` with
//! the node's id, kind, label and full config (plus its position and ports), and
//! `core.scaiflow_meta` keeps what ScaiCore ignores but an import needs: the full model registry,
//! source linkage, deploy intents, the edges and the rest of the document. Together they let
//! [`crate::import`] rebuild the flow exactly.

use flow_model::{NodeConfig, NodeKind};
use serde_json::Value as Json;
use serde_yaml::{Mapping, Value};

use crate::back::op::{self, Checkpoint, Llm, Op, binding};
use crate::ir::{Branch, EndKind, FlowBody, Graph, Program, Step};
use crate::valid::slug;

/// The runtime version when the flow names no `scaicore_target`.
pub const DEFAULT_RUNTIME: &str = "0.2";

/// Emits the manifest text.
pub fn emit(graph: &Graph<'_>, program: &Program) -> String {
    let flow = graph.flow;
    let config = flow.config.clone().unwrap_or_default();
    let models = config.core_identity.as_ref().map(|c| c.models.clone()).unwrap_or_default();
    let runtime = flow.scaicore_target.clone().unwrap_or_else(|| DEFAULT_RUNTIME.to_owned());
    let persona = config
        .core_identity
        .as_ref()
        .and_then(|c| c.name.clone())
        .unwrap_or_else(|| flow.name.clone());

    let mut core = Mapping::new();
    insert(&mut core, "name", slug(&flow.name));
    insert(&mut core, "mode", "stateless");
    insert(&mut core, "runtime_version", runtime.clone());
    core.insert(
        "identity".into(),
        map([("provider", "scaikey".into()), ("persona", persona.into())]),
    );
    if let Some(primary) = models.first() {
        insert(&mut core, "model", format!("{}/{}", primary.provider, primary.model));
    }
    let plugins: Vec<Value> = op::plugins(graph)
        .into_iter()
        .map(|(alias, endpoint)| map([("alias", alias.into()), ("endpoint", endpoint.into())]))
        .collect();
    if !plugins.is_empty() {
        core.insert("plugins".into(), Value::Sequence(plugins));
    }
    let mut capabilities: Vec<Value> = config.capabilities.iter().map(yaml).collect();
    if let Some(bunker) = op::bunker(graph) {
        capabilities.push(map([("bunker", yaml(&json(&bunker)))]));
    }
    if !capabilities.is_empty() {
        core.insert("capabilities".into(), Value::Sequence(capabilities));
    }
    if let Some(topology) = &config.scaiqueue {
        core.insert("scaiqueue".into(), yaml(&json(topology)));
    }
    let emitter = Emitter { graph };
    let flows = program.flows.iter().map(|f| emitter.flow(f)).collect();
    core.insert("flows".into(), Value::Sequence(flows));

    let mut meta = Mapping::new();
    insert(&mut meta, "source_id", flow.id.clone());
    insert(&mut meta, "source_version", flow.version.clone());
    insert(&mut meta, "scaicore_target", runtime);
    insert(&mut meta, "publish_as_model", config.publish_as_model);
    meta.insert(
        "model_visibility_group_ids".into(),
        yaml(&json(&config.model_visibility_group_ids)),
    );
    meta.insert("models".into(), yaml(&json(&models)));
    meta.insert("document".into(), yaml(&document(graph)));
    meta.insert("edges".into(), yaml(&json(&flow.edges)));
    let order: Vec<Json> = flow.nodes.iter().map(|n| Json::String(n.id.clone())).collect();
    meta.insert("node_order".into(), yaml(&Json::Array(order)));
    if !program.detached.is_empty() {
        let detached = program.detached.iter().map(|&n| emitter.node_meta(n)).collect();
        meta.insert("detached_nodes".into(), Value::Sequence(detached));
    }
    core.insert("scaiflow_meta".into(), Value::Mapping(meta));

    let mut root = Mapping::new();
    root.insert("core".into(), Value::Mapping(core));
    // Mappings of strings, numbers and booleans always serialise.
    serde_yaml::to_string(&Value::Mapping(root)).unwrap_or_default()
}

/// The parts of the document not rebuilt from steps and edges: everything but the nodes and
/// edges, so an import restores it as it was.
fn document(graph: &Graph<'_>) -> Json {
    match json(graph.flow) {
        Json::Object(mut doc) => {
            doc.remove("nodes");
            doc.remove("edges");
            Json::Object(doc)
        }
        other => other,
    }
}

struct Emitter<'g, 'a> {
    graph: &'g Graph<'a>,
}

impl Emitter<'_, '_> {
    fn flow(&self, body: &FlowBody) -> Value {
        let mut flow = Mapping::new();
        insert(&mut flow, "name", body.name.clone());
        let mut triggers = body.entries.iter().map(|&e| self.trigger(e));
        if let Some(first) = triggers.next() {
            flow.insert("trigger".into(), first);
        }
        let others: Vec<Value> = triggers.collect();
        if !others.is_empty() {
            flow.insert("triggers".into(), Value::Sequence(others));
        }
        flow.insert("steps".into(), self.steps(&body.steps));
        Value::Mapping(flow)
    }

    fn trigger(&self, entry: usize) -> Value {
        let node = self.graph.node(entry);
        let mut trigger = Mapping::new();
        let kind = match node.kind {
            NodeKind::EntryWebhook => "webhook",
            NodeKind::EntrySchedule => "schedule",
            _ => "api",
        };
        insert(&mut trigger, "type", kind);
        insert(&mut trigger, "name", binding(self.graph, entry));
        match self.graph.config(entry) {
            Some(NodeConfig::EntryApi(c)) => {
                insert(&mut trigger, "method", c.method.clone());
                insert(&mut trigger, "path", c.path.clone());
            }
            Some(NodeConfig::EntryWebhook(c)) => {
                insert(&mut trigger, "method", c.method.clone());
                insert(&mut trigger, "path", c.path.clone());
            }
            Some(NodeConfig::EntrySchedule(c)) => {
                insert(&mut trigger, "cron", c.cron.clone());
                insert(&mut trigger, "timezone", c.timezone.clone());
            }
            _ => {}
        }
        trigger.insert("meta".into(), self.node_meta(entry));
        Value::Mapping(trigger)
    }

    fn steps(&self, steps: &[Step]) -> Value {
        Value::Sequence(steps.iter().map(|s| self.step(s)).collect())
    }

    fn step(&self, step: &Step) -> Value {
        let graph = self.graph;
        match step {
            Step::Node(n) => self.node_step(*n),
            Step::Breakpoint(n) => map([(
                "checkpoint",
                map([
                    ("type", "debug_breakpoint".into()),
                    ("node", graph.node(*n).id.clone().into()),
                ]),
            )]),
            Step::Branch(branch) => self.branch(branch),
            Step::Loop { node, body } => {
                let mut block = Mapping::new();
                let key = match op::loop_style(graph, *node) {
                    Some(c) if c.style == flow_model::config::LoopStyle::While => {
                        insert(&mut block, "condition", c.condition.clone().unwrap_or_default());
                        "while"
                    }
                    Some(c) => {
                        insert(&mut block, "items", c.items.clone().unwrap_or_default());
                        insert(&mut block, "as", c.item_var.clone());
                        "foreach"
                    }
                    None => "foreach",
                };
                if let Some(max) = op::loop_style(graph, *node).and_then(|c| c.max_iterations) {
                    insert(&mut block, "max_iterations", max);
                }
                block.insert("steps".into(), self.steps(body));
                let mut step = Mapping::new();
                step.insert(key.into(), Value::Mapping(block));
                step.insert("meta".into(), self.node_meta(*node));
                Value::Mapping(step)
            }
            Step::Parallel { node, branches } => {
                let mut block = Mapping::new();
                if let Some(NodeConfig::LogicParallel(c)) = graph.config(*node) {
                    if let Some(max) = c.max_concurrent {
                        insert(&mut block, "max_concurrent", max);
                    }
                    insert(&mut block, "fail_fast", c.fail_fast);
                }
                let branches = branches.iter().map(|b| self.steps(b)).collect();
                block.insert("branches".into(), Value::Sequence(branches));
                map([("parallel", Value::Mapping(block)), ("meta", self.node_meta(*node))])
            }
            Step::End(EndKind::Return) => map([("return", Value::Null)]),
            Step::End(EndKind::Continue) => map([("continue", Value::Null)]),
        }
    }

    fn branch(&self, branch: &Branch) -> Value {
        let graph = self.graph;
        let mut block = Mapping::new();
        if let Some(NodeConfig::LogicDecision(c)) = graph.config(branch.node) {
            insert(
                &mut block,
                "style",
                if c.style == flow_model::config::DecisionStyle::Match { "match" } else { "if" },
            );
            if let Some(subject) = &c.subject {
                insert(&mut block, "subject", subject.clone());
            }
        }
        let cases = branch
            .cases
            .iter()
            .map(|case| {
                map([
                    ("when", case.condition.clone().into()),
                    ("edge", graph.flow.edges[case.edge].id.clone().into()),
                    ("steps", self.steps(&case.steps)),
                ])
            })
            .collect();
        block.insert("cases".into(), Value::Sequence(cases));
        if let Some(default) = &branch.default {
            block.insert("else".into(), self.steps(default));
        }
        let mut step = Mapping::new();
        step.insert("branch".into(), Value::Mapping(block));
        if graph.node(branch.node).kind == NodeKind::LogicDecision {
            step.insert("meta".into(), self.node_meta(branch.node));
        } else {
            // The node's own step carries its meta; this block only says where it branches.
            insert(&mut step, "from", graph.node(branch.node).id.clone());
        }
        Value::Mapping(step)
    }

    fn node_step(&self, n: usize) -> Value {
        let mut step = Mapping::new();
        let mut result = true;
        match op::op(self.graph, n) {
            Op::Llm(Llm { guarded, goal, role, guard, validate, output_schema, .. }) => {
                insert(&mut step, "llm_turn", goal);
                if guarded {
                    insert(&mut step, "guarded", true);
                    if let Some(guard) = guard {
                        insert(&mut step, "guard", guard);
                    }
                    if let Some(validate) = validate {
                        insert(&mut step, "validate", validate);
                    }
                }
                if let Some(role) = role {
                    insert(&mut step, "llm", role);
                }
                if !output_schema.is_empty() {
                    step.insert("output".into(), yaml(&Json::Object(output_schema)));
                }
            }
            Op::Template { template } => insert(&mut step, "template", template),
            Op::PluginCall { alias, method, args } => {
                step.insert(
                    "plugin_call".into(),
                    map([
                        ("alias", alias.into()),
                        ("method", method.into()),
                        ("args", yaml(&Json::Object(args))),
                    ]),
                );
            }
            Op::Assign { assignments } => {
                step.insert("assign".into(), yaml(&Json::Object(assignments)));
                result = false;
            }
            Op::Checkpoint(c) => {
                step.insert("checkpoint".into(), checkpoint(c));
            }
            Op::CoreCall(call) => {
                step.insert("core_call".into(), yaml(&Json::Object(call)));
            }
        }
        if result {
            insert(&mut step, "result", binding(self.graph, n));
        }
        step.insert("meta".into(), self.node_meta(n));
        Value::Mapping(step)
    }

    /// `{node_id, node_kind, node_label, node_config}` plus what an import needs to rebuild the
    /// node exactly: position, ports and unknown fields.
    fn node_meta(&self, n: usize) -> Value {
        let node = self.graph.node(n);
        let mut meta = Mapping::new();
        insert(&mut meta, "node_id", node.id.clone());
        insert(&mut meta, "node_kind", node.kind.as_str());
        insert(&mut meta, "node_label", node.label.clone());
        meta.insert("node_config".into(), yaml(&Json::Object(node.config.clone())));
        meta.insert("node_position".into(), yaml(&json(&node.position)));
        meta.insert("node_inputs".into(), yaml(&json(&node.inputs)));
        meta.insert("node_outputs".into(), yaml(&json(&node.outputs)));
        if !node.extra.is_empty() {
            meta.insert("node_extra".into(), yaml(&Json::Object(node.extra.clone())));
        }
        Value::Mapping(meta)
    }
}

fn checkpoint(c: Checkpoint) -> Value {
    let mut block = Mapping::new();
    insert(&mut block, "type", c.checkpoint_type);
    if let Some(target) = c.hitl_target {
        block.insert("scope".into(), target.scope.map_or(Value::Null, Value::from));
        insert(&mut block, "queue", target.queue);
        block.insert("hitl_spec".into(), yaml(&target.hitl_spec));
    }
    if let Some(prompt) = c.prompt {
        insert(&mut block, "prompt", prompt);
    }
    if !c.options.is_empty() {
        block.insert(
            "options".into(),
            Value::Sequence(c.options.into_iter().map(Value::from).collect()),
        );
    }
    for (key, value) in
        [("timeout", c.timeout), ("on_timeout", c.on_timeout), ("assignee", c.assignee)]
    {
        if let Some(value) = value {
            insert(&mut block, key, value);
        }
    }
    Value::Mapping(block)
}

fn insert(mapping: &mut Mapping, key: &str, value: impl Into<Value>) {
    mapping.insert(key.into(), value.into());
}

fn map<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Mapping(pairs.into_iter().map(|(k, v)| (Value::from(k), v)).collect())
}

/// A serialisable value as JSON (the document model is JSON; YAML is produced from it).
fn json<T: serde::Serialize + ?Sized>(value: &T) -> Json {
    serde_json::to_value(value).unwrap_or(Json::Null)
}

/// A JSON value as YAML, key order kept.
fn yaml(value: &Json) -> Value {
    serde_yaml::to_value(value).unwrap_or(Value::Null)
}
