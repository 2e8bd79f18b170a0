//! Import: a ScaiCore YAML manifest back into a flow document.
//!
//! A manifest ScaiFlow wrote is rebuilt exactly: nodes from each step's and trigger's `meta`,
//! edges, node order and the rest of the document from `core.scaiflow_meta`. For a hand-written
//! manifest, triggers become entry nodes, steps with `meta` become their nodes, edges are
//! rebuilt from the step structure, steps without `meta` are kept in `metadata.unknown_steps`,
//! `core.model` becomes a one-entry model registry, and nodes without a position are stacked
//! 120 px apart in step order.

use flow_model::{
    Edge, EdgeKind, Endpoint, FlowGraph, Metadata, Node, NodeKind, Position, SCHEMA_URL,
};
use serde_json::{Map, Value, json};

use crate::valid::slug;

/// Vertical distance between nodes laid out by an import.
pub const LAYOUT_STEP: f64 = 120.0;

/// A manifest that cannot be imported.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImportError {
    #[error("not valid YAML (line {line}, column {column}): {message}")]
    Yaml { line: usize, column: usize, message: String },
    #[error("not a ScaiCore manifest: there is no top-level 'core' mapping")]
    NoCore,
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

/// Reads a manifest and returns the flow it describes.
pub fn from_yaml(text: &str) -> Result<FlowGraph, ImportError> {
    let root: Value = serde_yaml::from_str(text).map_err(|e| {
        let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
        ImportError::Yaml { line, column, message: e.to_string() }
    })?;
    let core = root.get("core").and_then(Value::as_object).ok_or(ImportError::NoCore)?;
    let meta = core.get("scaiflow_meta").and_then(Value::as_object);
    let mut importer = Importer::default();
    let flows = core.get("flows").and_then(Value::as_array).cloned().unwrap_or_default();
    for (i, flow) in flows.iter().enumerate() {
        importer.flow(flow, &format!("core.flows[{i}]"))?;
    }
    if let Some(detached) = meta.and_then(|m| m.get("detached_nodes")).and_then(Value::as_array) {
        for (i, m) in detached.iter().enumerate() {
            importer.node_from_meta(m, &format!("core.scaiflow_meta.detached_nodes[{i}]"))?;
        }
    }

    importer.lay_out();
    match meta.and_then(|m| m.get("document")) {
        Some(document) => importer.exact(document, meta),
        None => importer.rebuilt(core, meta),
    }
}

#[derive(Default)]
struct Importer {
    nodes: Vec<Node>,
    /// Edges rebuilt from the step structure (used when the manifest does not list them).
    edges: Vec<Edge>,
    unknown: Vec<Value>,
}

/// Where control leaves a step: a node's output port, maybe under a condition.
#[derive(Clone)]
struct Exit {
    node: String,
    port: String,
    condition: Option<String>,
}

impl Importer {
    /// Stacks the nodes that came without a position 120 px apart, in the order they appeared.
    fn lay_out(&mut self) {
        let mut unpositioned = 0u32;
        for node in &mut self.nodes {
            if node.extra.remove(AUTO_LAYOUT).is_some() {
                node.position =
                    Position { x: 80.0, y: 80.0 + LAYOUT_STEP * f64::from(unpositioned) };
                unpositioned += 1;
            }
        }
    }

    /// The document ScaiFlow exported, with its nodes and edges put back.
    fn exact(
        mut self,
        document: &Value,
        meta: Option<&Map<String, Value>>,
    ) -> Result<FlowGraph, ImportError> {
        let mut doc = document.as_object().cloned().unwrap_or_default();
        let meta = meta.cloned().unwrap_or_default();
        if let Some(order) = meta.get("node_order").and_then(Value::as_array) {
            let position =
                |id: &str| order.iter().position(|o| o.as_str() == Some(id)).unwrap_or(usize::MAX);
            self.nodes.sort_by_key(|n| position(&n.id));
        }
        doc.insert("nodes".into(), to_json(&self.nodes));
        let edges = meta.get("edges").cloned().unwrap_or_else(|| to_json(&self.edges));
        doc.insert("edges".into(), edges);
        serde_json::from_value(Value::Object(doc))
            .map_err(|e| invalid("core.scaiflow_meta.document", e.to_string()))
    }

    /// A document for a manifest ScaiFlow did not write (or whose document was removed).
    fn rebuilt(
        self,
        core: &Map<String, Value>,
        meta: Option<&Map<String, Value>>,
    ) -> Result<FlowGraph, ImportError> {
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
        let persona = text(core.get("identity").and_then(|i| i.get("persona")));
        // `core.name` is the slug of the flow name: its words, capitalised, slug back to it.
        let name = text(core.get("name"))
            .map(|slug| title_case(&slug))
            .or_else(|| persona.clone())
            .unwrap_or_else(|| "Imported Flow".into());
        let persona = persona.unwrap_or_else(|| name.clone());
        let models = match meta.and_then(|m| m.get("models")) {
            Some(models) => models.clone(),
            None => match text(core.get("model"))
                .and_then(|m| m.split_once('/').map(|(p, r)| (p.to_owned(), r.to_owned())))
            {
                Some((provider, model)) => {
                    json!([{"role": "primary", "ref": provider, "model": model}])
                }
                None => json!([]),
            },
        };
        let mut config = json!({"core_identity": {"name": persona, "models": models}});
        if let Some(scaiqueue) = core.get("scaiqueue") {
            config["scaiqueue"] = scaiqueue.clone();
        }
        if let Some(bunker) = core
            .get("capabilities")
            .and_then(Value::as_array)
            .and_then(|caps| caps.iter().find_map(|c| c.get("bunker")))
        {
            config["bunker"] = bunker.clone();
        }
        if let Some(publish) = meta.and_then(|m| m.get("publish_as_model")) {
            config["publish_as_model"] = publish.clone();
        }
        if let Some(groups) = meta.and_then(|m| m.get("model_visibility_group_ids")) {
            config["model_visibility_group_ids"] = groups.clone();
        }
        let config = serde_json::from_value(config).map_err(|e| invalid("core", e.to_string()))?;

        let edges = match meta.and_then(|m| m.get("edges")) {
            Some(edges) => serde_json::from_value(edges.clone())
                .map_err(|e| invalid("core.scaiflow_meta.edges", e.to_string()))?,
            None => self.edges,
        };
        let mut metadata = Metadata::default();
        if !self.unknown.is_empty() {
            metadata.extra.insert("unknown_steps".into(), Value::Array(self.unknown));
        }
        let version =
            text(meta.and_then(|m| m.get("source_version"))).unwrap_or_else(|| "1.0.0".into());
        let id = text(meta.and_then(|m| m.get("source_id")))
            .unwrap_or_else(|| format!("flow_{}", slug(&name).replace('-', "_")));
        Ok(FlowGraph {
            schema: Some(SCHEMA_URL.to_owned()),
            id,
            name,
            version,
            scaicore_target: text(core.get("runtime_version")),
            metadata: Some(metadata),
            nodes: self.nodes,
            edges,
            variables: Vec::new(),
            config: Some(config),
            tests: Vec::new(),
            extra: Map::new(),
        })
    }

    fn flow(&mut self, flow: &Value, path: &str) -> Result<(), ImportError> {
        let mut triggers: Vec<(Value, String)> = Vec::new();
        if let Some(t) = flow.get("trigger") {
            triggers.push((t.clone(), format!("{path}.trigger")));
        }
        for (i, t) in
            flow.get("triggers").and_then(Value::as_array).into_iter().flatten().enumerate()
        {
            triggers.push((t.clone(), format!("{path}.triggers[{i}]")));
        }
        let mut exits = Vec::new();
        for (trigger, at) in &triggers {
            let id = match trigger.get("meta") {
                Some(meta) => self.node_from_meta(meta, &format!("{at}.meta"))?,
                None => self.entry_from_trigger(trigger, at)?,
            };
            let port = self.first_output(&id).unwrap_or_else(|| "out".into());
            exits.push(Exit { node: id, port, condition: None });
        }
        let steps = flow.get("steps").and_then(Value::as_array).cloned().unwrap_or_default();
        self.steps(&steps, exits, &format!("{path}.steps"))?;
        Ok(())
    }

    /// Walks `steps`, connecting `incoming` to the first node; returns where control leaves.
    fn steps(
        &mut self,
        steps: &[Value],
        mut incoming: Vec<Exit>,
        path: &str,
    ) -> Result<Vec<Exit>, ImportError> {
        for (i, step) in steps.iter().enumerate() {
            incoming = self.step(step, incoming, &format!("{path}[{i}]"))?;
        }
        Ok(incoming)
    }

    fn step(
        &mut self,
        step: &Value,
        incoming: Vec<Exit>,
        path: &str,
    ) -> Result<Vec<Exit>, ImportError> {
        let Some(fields) = step.as_object() else {
            self.unknown.push(step.clone());
            return Ok(incoming);
        };
        if fields.contains_key("return") || fields.contains_key("continue") {
            return Ok(Vec::new());
        }
        let synthetic_breakpoint =
            fields.get("checkpoint").and_then(|c| c.get("type")).and_then(Value::as_str)
                == Some("debug_breakpoint");
        if synthetic_breakpoint {
            return Ok(incoming);
        }
        if let (Some(branch), Some(from)) =
            (fields.get("branch"), fields.get("from").and_then(Value::as_str))
        {
            // Conditional edges out of an ordinary node: `incoming` are that node's exits.
            let port = incoming
                .iter()
                .find(|e| e.node == from)
                .map_or_else(|| "out".to_owned(), |e| e.port.clone());
            return self.branch(branch, from, &port, path);
        }
        let Some(meta) = fields.get("meta") else {
            self.unknown.push(step.clone());
            return Ok(incoming);
        };
        let id = self.node_from_meta(meta, &format!("{path}.meta"))?;
        let input = self.first_input(&id).unwrap_or_else(|| "in".into());
        for exit in incoming {
            self.connect(exit, &id, &input);
        }
        let out = self.first_output(&id).unwrap_or_else(|| "out".into());
        if let Some(branch) = fields.get("branch") {
            return self.branch(branch, &id, &out, path);
        }
        for key in ["foreach", "while"] {
            if let Some(block) = fields.get(key) {
                let body =
                    block.get("steps").and_then(Value::as_array).cloned().unwrap_or_default();
                let start = Exit {
                    node: id.clone(),
                    port: NodeKind::LOOP_BODY_PORT.into(),
                    condition: None,
                };
                self.steps(&body, vec![start], &format!("{path}.{key}.steps"))?;
                let done = self.output_named(&id, "out").unwrap_or_else(|| "out".into());
                return Ok(vec![Exit { node: id, port: done, condition: None }]);
            }
        }
        if let Some(block) = fields.get("parallel") {
            let mut exits = Vec::new();
            for (b, branch) in
                block.get("branches").and_then(Value::as_array).into_iter().flatten().enumerate()
            {
                let steps = branch.as_array().cloned().unwrap_or_default();
                let start = Exit { node: id.clone(), port: out.clone(), condition: None };
                exits.extend(self.steps(
                    &steps,
                    vec![start],
                    &format!("{path}.parallel.branches[{b}]"),
                )?);
            }
            return Ok(exits);
        }
        Ok(vec![Exit { node: id, port: out, condition: None }])
    }

    fn branch(
        &mut self,
        branch: &Value,
        from: &str,
        port: &str,
        path: &str,
    ) -> Result<Vec<Exit>, ImportError> {
        let mut exits = Vec::new();
        for (c, case) in
            branch.get("cases").and_then(Value::as_array).into_iter().flatten().enumerate()
        {
            let condition =
                case.get("when").map(|w| w.as_str().map_or_else(|| w.to_string(), str::to_owned));
            let start = Exit { node: from.to_owned(), port: port.to_owned(), condition };
            let steps = case.get("steps").and_then(Value::as_array).cloned().unwrap_or_default();
            exits.extend(self.steps(
                &steps,
                vec![start],
                &format!("{path}.branch.cases[{c}].steps"),
            )?);
        }
        if let Some(default) = branch.get("else").and_then(Value::as_array) {
            let start = Exit { node: from.to_owned(), port: port.to_owned(), condition: None };
            exits.extend(self.steps(default, vec![start], &format!("{path}.branch.else"))?);
        }
        Ok(exits)
    }

    fn connect(&mut self, exit: Exit, target: &str, port: &str) {
        let kind =
            if exit.condition.is_some() { EdgeKind::Conditional } else { EdgeKind::Sequential };
        self.edges.push(Edge {
            id: format!("edge_{}", self.edges.len() + 1),
            kind,
            source: Endpoint { node: exit.node, port: exit.port, extra: Map::new() },
            target: Endpoint { node: target.to_owned(), port: port.to_owned(), extra: Map::new() },
            condition: exit.condition,
            extra: Map::new(),
        });
    }

    /// Adds the node a `meta` mapping describes; returns its id.
    fn node_from_meta(&mut self, meta: &Value, path: &str) -> Result<String, ImportError> {
        let field = |key: &str| meta.get(key).cloned();
        let id = field("node_id")
            .and_then(|v| v.as_str().map(str::to_owned))
            .ok_or_else(|| invalid(path, "meta has no node_id".into()))?;
        let kind_name =
            field("node_kind").and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        let kind = NodeKind::from_wire(&kind_name).ok_or_else(|| {
            invalid(&format!("{path}.node_kind"), format!("unknown node kind '{kind_name}'"))
        })?;
        let mut node = Node::new(kind, id.clone(), Position::default());
        if let Some(label) = field("node_label").and_then(|v| v.as_str().map(str::to_owned)) {
            node.label = label;
        }
        if let Some(config) = field("node_config") {
            node.config = config
                .as_object()
                .cloned()
                .ok_or_else(|| invalid(&format!("{path}.node_config"), "not a mapping".into()))?;
        }
        let parse = |key: &str| -> Result<Option<Value>, ImportError> { Ok(field(key)) };
        match parse("node_position")? {
            Some(position) => {
                node.position = serde_json::from_value(position)
                    .map_err(|e| invalid(&format!("{path}.node_position"), e.to_string()))?;
            }
            None => {
                node.extra.insert(AUTO_LAYOUT.into(), Value::Bool(true));
            }
        }
        if let Some(inputs) = field("node_inputs") {
            node.inputs = serde_json::from_value(inputs)
                .map_err(|e| invalid(&format!("{path}.node_inputs"), e.to_string()))?;
        }
        if let Some(outputs) = field("node_outputs") {
            node.outputs = serde_json::from_value(outputs)
                .map_err(|e| invalid(&format!("{path}.node_outputs"), e.to_string()))?;
        }
        if let Some(Value::Object(extra)) = field("node_extra") {
            node.extra.extend(extra);
        }
        self.nodes.push(node);
        Ok(id)
    }

    /// An entry node for a trigger written without `meta`.
    fn entry_from_trigger(&mut self, trigger: &Value, path: &str) -> Result<String, ImportError> {
        let kind = match trigger.get("type").and_then(Value::as_str).unwrap_or("api") {
            "api" => NodeKind::EntryApi,
            "webhook" => NodeKind::EntryWebhook,
            "schedule" => NodeKind::EntrySchedule,
            other => {
                return Err(invalid(
                    &format!("{path}.type"),
                    format!("unknown trigger type '{other}' (api, webhook or schedule)"),
                ));
            }
        };
        let id = trigger
            .get("name")
            .and_then(Value::as_str)
            .map_or_else(|| format!("node_entry_{}", self.nodes.len() + 1), str::to_owned);
        let mut node = Node::new(kind, id.clone(), Position::default());
        for key in ["method", "path", "cron", "timezone"] {
            if let Some(value) = trigger.get(key) {
                node.config.insert(key.into(), value.clone());
            }
        }
        node.extra.insert(AUTO_LAYOUT.into(), Value::Bool(true));
        self.nodes.push(node);
        Ok(id)
    }

    fn find(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().rev().find(|n| n.id == id)
    }

    fn first_input(&self, id: &str) -> Option<String> {
        self.find(id)?.inputs.first().map(|p| p.id.clone())
    }

    fn first_output(&self, id: &str) -> Option<String> {
        let node = self.find(id)?;
        let port = if node.kind == NodeKind::LogicLoop {
            node.outputs.iter().find(|p| p.id != NodeKind::LOOP_BODY_PORT)
        } else {
            node.outputs.first()
        };
        port.map(|p| p.id.clone())
    }

    fn output_named(&self, id: &str, port: &str) -> Option<String> {
        self.find(id)?.outputs.iter().find(|p| p.id == port).map(|p| p.id.clone())
    }
}

/// Marks a node laid out by the import (removed before the document is returned).
const AUTO_LAYOUT: &str = "\u{0}auto_layout";

/// `customer-support-agent` → `Customer Support Agent`.
fn title_case(slug: &str) -> String {
    slug.split(|c: char| c == '-' || c == '_' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|f| f.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn invalid(path: &str, message: String) -> ImportError {
    ImportError::Invalid { path: path.to_owned(), message }
}

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}
