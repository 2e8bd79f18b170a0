//! The YAML manifest back end: the artifact ScaiGrid's `POST /v1/modules/scaicore/cores` takes.
//!
//! `core` carries the identity, the primary model, plugins, capabilities, the ScaiQueue topology
//! and one entry per flow (`trigger` + `steps`). Every step made from a node carries `meta` with
//! the node's id, kind, label and full config (plus its position, and its ports where they differ
//! from the kind's defaults), and `core.scaiflow_meta` keeps what ScaiCore ignores but an import
//! needs: the full model registry, source linkage, deploy intents, the edges and the rest of the
//! document. Together they let [`crate::import`] rebuild the flow exactly.
//!
//! The text is streamed by [`text::Writer`] as the program is walked; nothing is built first.

use flow_model::config::{DecisionStyle, LoopStyle};
use flow_model::{FlowGraph, NodeConfig, NodeKind, Port, PortSpec};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::back::op::{self, Checkpoint, Llm, Op, binding};
use crate::ir::{Branch, EndKind, FlowBody, Graph, Program, Step};
use crate::valid::slug;

mod text;

use text::Writer;
pub use text::to_yaml;

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

    // Roughly what a step with its meta and an edge take, to avoid regrowing the buffer.
    let mut w = Writer::with_capacity(4096 + 1200 * flow.nodes.len());
    w.map(0, "core");
    w.str(1, "name", &slug(&flow.name));
    w.str(1, "mode", "stateless");
    w.str(1, "runtime_version", &runtime);
    w.map(1, "identity");
    w.str(2, "provider", "scaikey");
    w.str(2, "persona", &persona);
    if let Some(primary) = models.first() {
        w.str(1, "model", &format!("{}/{}", primary.provider, primary.model));
    }
    let plugins = op::plugins(graph);
    if !plugins.is_empty() {
        w.seq(1, "plugins", false);
        for (alias, endpoint) in plugins {
            w.item(1);
            w.str(2, "alias", &alias);
            w.str(2, "endpoint", &endpoint);
        }
    }
    let mut capabilities = config.capabilities.clone();
    if let Some(bunker) = op::bunker(graph) {
        capabilities.push(Value::Object(Map::from_iter([("bunker".to_owned(), json(&bunker))])));
    }
    if !capabilities.is_empty() {
        w.value(1, "capabilities", &Value::Array(capabilities));
    }
    if let Some(topology) = &config.scaiqueue {
        w.value(1, "scaiqueue", &json(topology));
    }
    let emitter = Emitter { graph };
    w.seq(1, "flows", program.flows.is_empty());
    for body in &program.flows {
        emitter.flow(&mut w, body);
    }

    w.map(1, "scaiflow_meta");
    w.str(2, "source_id", &flow.id);
    w.str(2, "source_version", &flow.version);
    w.str(2, "scaicore_target", &runtime);
    w.literal(2, "publish_as_model", config.publish_as_model);
    w.value(2, "model_visibility_group_ids", &json(&config.model_visibility_group_ids));
    w.value(2, "models", &json(&models));
    w.value(2, "document", &document(flow));
    w.seq(2, "edges", flow.edges.is_empty());
    for edge in &flow.edges {
        w.item(2);
        write_edge(&mut w, 3, edge);
    }
    w.seq(2, "node_order", flow.nodes.is_empty());
    for node in &flow.nodes {
        w.item_value(2, &Value::String(node.id.clone()));
    }
    if !program.detached.is_empty() {
        w.seq(2, "detached_nodes", false);
        for &n in &program.detached {
            w.item(2);
            emitter.node_meta_fields(&mut w, 3, n);
        }
    }
    w.finish()
}

/// The parts of the document not rebuilt from steps and edges: everything but the nodes and
/// edges, so an import restores it as it was.
fn document(flow: &FlowGraph) -> Value {
    #[derive(Serialize)]
    struct Header<'a> {
        #[serde(rename = "$schema", skip_serializing_if = "Option::is_none")]
        schema: &'a Option<String>,
        id: &'a str,
        name: &'a str,
        version: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        scaicore_target: &'a Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        metadata: &'a Option<flow_model::Metadata>,
        #[serde(skip_serializing_if = "<[_]>::is_empty")]
        variables: &'a [Value],
        #[serde(skip_serializing_if = "Option::is_none")]
        config: &'a Option<flow_model::FlowConfig>,
        #[serde(skip_serializing_if = "<[_]>::is_empty")]
        tests: &'a [Value],
        #[serde(flatten)]
        extra: &'a Map<String, Value>,
    }
    json(&Header {
        schema: &flow.schema,
        id: &flow.id,
        name: &flow.name,
        version: &flow.version,
        scaicore_target: &flow.scaicore_target,
        metadata: &flow.metadata,
        variables: &flow.variables,
        config: &flow.config,
        tests: &flow.tests,
        extra: &flow.extra,
    })
}

struct Emitter<'g, 'a> {
    graph: &'g Graph<'a>,
}

impl Emitter<'_, '_> {
    /// One item of `core.flows` (at depth 1).
    fn flow(&self, w: &mut Writer, body: &FlowBody) {
        w.item(1);
        w.str(2, "name", &body.name);
        let mut entries = body.entries.iter();
        if let Some(&first) = entries.next() {
            w.map(2, "trigger");
            self.trigger(w, 3, first);
        }
        if body.entries.len() > 1 {
            w.seq(2, "triggers", false);
            for &entry in entries {
                w.item(2);
                self.trigger(w, 3, entry);
            }
        }
        self.steps(w, 2, "steps", &body.steps);
    }

    fn trigger(&self, w: &mut Writer, depth: usize, entry: usize) {
        let node = self.graph.node(entry);
        let kind = match node.kind {
            NodeKind::EntryWebhook => "webhook",
            NodeKind::EntrySchedule => "schedule",
            _ => "api",
        };
        w.str(depth, "type", kind);
        w.str(depth, "name", &binding(self.graph, entry));
        match self.graph.config(entry) {
            Some(NodeConfig::EntryApi(c)) => {
                w.str(depth, "method", &c.method);
                w.str(depth, "path", &c.path);
            }
            Some(NodeConfig::EntryWebhook(c)) => {
                w.str(depth, "method", &c.method);
                w.str(depth, "path", &c.path);
            }
            Some(NodeConfig::EntrySchedule(c)) => {
                w.str(depth, "cron", &c.cron);
                w.str(depth, "timezone", &c.timezone);
            }
            _ => {}
        }
        self.meta(w, depth, entry);
    }

    /// `key:` and the steps as a sequence at `depth`.
    fn steps(&self, w: &mut Writer, depth: usize, key: &str, steps: &[Step]) {
        w.seq(depth, key, steps.is_empty());
        for step in steps {
            w.item(depth);
            self.step(w, depth + 1, step);
        }
    }

    /// The fields of one step (its item is open; fields go at `d`).
    fn step(&self, w: &mut Writer, d: usize, step: &Step) {
        let graph = self.graph;
        match step {
            Step::Node(n) => self.node_step(w, d, *n),
            Step::Breakpoint(n) => {
                w.map(d, "checkpoint");
                w.str(d + 1, "type", "debug_breakpoint");
                w.str(d + 1, "node", &graph.node(*n).id);
            }
            Step::Branch(branch) => self.branch(w, d, branch),
            Step::Loop { node, body } => {
                let config = op::loop_style(graph, *node);
                match config {
                    Some(c) if c.style == LoopStyle::While => {
                        w.map(d, "while");
                        w.str(d + 1, "condition", c.condition.as_deref().unwrap_or_default());
                    }
                    Some(c) => {
                        w.map(d, "foreach");
                        w.str(d + 1, "items", c.items.as_deref().unwrap_or_default());
                        w.str(d + 1, "as", &c.item_var);
                    }
                    None => w.map(d, "foreach"),
                }
                if let Some(max) = config.and_then(|c| c.max_iterations) {
                    w.literal(d + 1, "max_iterations", max);
                }
                self.steps(w, d + 1, "steps", body);
                self.meta(w, d, *node);
            }
            Step::Parallel { node, branches } => {
                w.map(d, "parallel");
                if let Some(NodeConfig::LogicParallel(c)) = graph.config(*node) {
                    if let Some(max) = c.max_concurrent {
                        w.literal(d + 1, "max_concurrent", max);
                    }
                    w.literal(d + 1, "fail_fast", c.fail_fast);
                }
                w.seq(d + 1, "branches", branches.is_empty());
                for branch in branches {
                    if branch.is_empty() {
                        w.item_value(d + 1, &Value::Array(Vec::new()));
                        continue;
                    }
                    // A branch is itself a sequence of steps.
                    w.item(d + 1);
                    for step in branch {
                        w.item(d + 2);
                        self.step(w, d + 3, step);
                    }
                }
                self.meta(w, d, *node);
            }
            Step::End(EndKind::Return) => w.literal(d, "return", "null"),
            Step::End(EndKind::Continue) => w.literal(d, "continue", "null"),
        }
    }

    fn branch(&self, w: &mut Writer, d: usize, branch: &Branch) {
        let graph = self.graph;
        w.map(d, "branch");
        if let Some(NodeConfig::LogicDecision(c)) = graph.config(branch.node) {
            w.str(d + 1, "style", if c.style == DecisionStyle::Match { "match" } else { "if" });
            if let Some(subject) = &c.subject {
                w.str(d + 1, "subject", subject);
            }
        }
        w.seq(d + 1, "cases", branch.cases.is_empty());
        for case in &branch.cases {
            w.item(d + 1);
            w.str(d + 2, "when", &case.condition);
            w.str(d + 2, "edge", &graph.flow.edges[case.edge].id);
            self.steps(w, d + 2, "steps", &case.steps);
        }
        if let Some(default) = &branch.default {
            self.steps(w, d + 1, "else", default);
        }
        if graph.node(branch.node).kind == NodeKind::LogicDecision {
            self.meta(w, d, branch.node);
        } else {
            // The node's own step carries its meta; this block only says where it branches.
            w.str(d, "from", &graph.node(branch.node).id);
        }
    }

    fn node_step(&self, w: &mut Writer, d: usize, n: usize) {
        let mut result = true;
        match op::op(self.graph, n) {
            Op::Llm(Llm { guarded, goal, role, guard, validate, output_schema, .. }) => {
                w.str(d, "llm_turn", goal);
                if guarded {
                    w.literal(d, "guarded", true);
                    if let Some(guard) = guard {
                        w.str(d, "guard", guard);
                    }
                    if let Some(validate) = validate {
                        w.str(d, "validate", validate);
                    }
                }
                if let Some(role) = role {
                    w.str(d, "llm", role);
                }
                if !output_schema.is_empty() {
                    w.object(d, "output", output_schema);
                }
            }
            Op::Template { template } => w.str(d, "template", template),
            Op::PluginCall { alias, method, args } => {
                w.map(d, "plugin_call");
                w.str(d + 1, "alias", &alias);
                w.str(d + 1, "method", &method);
                w.object(d + 1, "args", &args);
            }
            Op::Assign { assignments } => {
                w.object(d, "assign", assignments);
                result = false;
            }
            Op::Checkpoint(c) => checkpoint(w, d, c),
            Op::CoreCall(call) => w.value(d, "core_call", &Value::Object(call)),
        }
        if result {
            w.str(d, "result", &binding(self.graph, n));
        }
        self.meta(w, d, n);
    }

    fn meta(&self, w: &mut Writer, d: usize, n: usize) {
        w.map(d, "meta");
        self.node_meta_fields(w, d + 1, n);
    }

    /// `{node_id, node_kind, node_label, node_config}` plus what an import needs to rebuild the
    /// node exactly: its position, its ports where they differ from the kind's defaults, and
    /// unknown fields.
    fn node_meta_fields(&self, w: &mut Writer, d: usize, n: usize) {
        let node = self.graph.node(n);
        w.str(d, "node_id", &node.id);
        w.str(d, "node_kind", node.kind.as_str());
        w.str(d, "node_label", &node.label);
        w.object(d, "node_config", &node.config);
        w.map(d, "node_position");
        w.literal(d + 1, "x", json(&node.position.x));
        w.literal(d + 1, "y", json(&node.position.y));
        if !is_default(&node.inputs, node.kind.default_inputs()) {
            w.value(d, "node_inputs", &json(&node.inputs));
        }
        if !is_default(&node.outputs, node.kind.default_outputs()) {
            w.value(d, "node_outputs", &json(&node.outputs));
        }
        if !node.extra.is_empty() {
            w.object(d, "node_extra", &node.extra);
        }
    }
}

/// An edge, field for field as serde writes it (so an import reads back the same edge).
fn write_edge(w: &mut Writer, d: usize, edge: &flow_model::Edge) {
    w.str(d, "id", &edge.id);
    w.str(d, "type", edge.kind.as_str());
    for (key, end) in [("source", &edge.source), ("target", &edge.target)] {
        w.map(d, key);
        w.str(d + 1, "node", &end.node);
        w.str(d + 1, "port", &end.port);
        for (k, v) in &end.extra {
            w.value(d + 1, k, v);
        }
    }
    if let Some(condition) = &edge.condition {
        w.str(d, "condition", condition);
    }
    for (k, v) in &edge.extra {
        w.value(d, k, v);
    }
}

/// Whether `ports` are exactly what a new node of the kind gets (so an import recreates them).
fn is_default(ports: &[Port], defaults: &[PortSpec]) -> bool {
    ports.len() == defaults.len()
        && ports.iter().zip(defaults).all(|(p, d)| {
            p.id == d.id
                && p.label.as_deref() == Some(d.label)
                && p.ty.as_deref() == d.ty
                && p.extra.is_empty()
        })
}

fn checkpoint(w: &mut Writer, d: usize, c: Checkpoint) {
    w.map(d, "checkpoint");
    let d = d + 1;
    w.str(d, "type", &c.checkpoint_type);
    if let Some(target) = c.hitl_target {
        match target.scope {
            Some(scope) => w.str(d, "scope", &scope),
            None => w.literal(d, "scope", "null"),
        }
        w.str(d, "queue", &target.queue);
        w.value(d, "hitl_spec", &target.hitl_spec);
    }
    if let Some(prompt) = c.prompt {
        w.str(d, "prompt", &prompt);
    }
    if !c.options.is_empty() {
        w.value(d, "options", &Value::Array(c.options.into_iter().map(Value::from).collect()));
    }
    for (key, value) in
        [("timeout", c.timeout), ("on_timeout", c.on_timeout), ("assignee", c.assignee)]
    {
        if let Some(value) = value {
            w.str(d, key, &value);
        }
    }
}

/// A serialisable value as JSON.
fn json<T: serde::Serialize + ?Sized>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}
