//! The FlowGraph document: top level, nodes, ports, edges and flow-level configuration.
//!
//! Every struct keeps the fields it does not know in `extra`, so a document written by a newer
//! editor survives a load/save round trip through this one unchanged.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::flow_config::FlowConfig;
use crate::kind::NodeKind;

/// The `$schema` value of a schema v2 document.
pub const SCHEMA_URL: &str = "https://scailabs.com/schemas/scaiflow/v2.json";

/// A flow document (schema v2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowGraph {
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Opaque id, stable across saves (`flow_<random>`).
    pub id: String,
    pub name: String,
    /// Semver; the server patch-bumps it on every content update.
    pub version: String,
    /// The ScaiCore language version the compiler targets (e.g. `0.2`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaicore_target: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    #[serde(default)]
    pub nodes: Vec<Node>,
    #[serde(default)]
    pub edges: Vec<Edge>,
    /// Flow-level named state slots; their item shape is owned by the compiler.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variables: Vec<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<FlowConfig>,
    /// Optional test fixtures for the run-tests endpoint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tests: Vec<Value>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Free-form document metadata.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// ISO-8601 creation time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One step of the flow, drawn as a card on the canvas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: NodeKind,
    /// The name shown on the canvas.
    pub label: String,
    pub position: Position,
    /// Kind-specific configuration; its shape depends on `kind`.
    #[serde(default)]
    pub config: Map<String, Value>,
    #[serde(default)]
    pub inputs: Vec<Port>,
    #[serde(default)]
    pub outputs: Vec<Port>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Node {
    /// The output port with this id, if the node has one.
    pub fn output(&self, port: &str) -> Option<&Port> {
        self.outputs.iter().find(|p| p.id == port)
    }

    /// The input port with this id, if the node has one.
    pub fn input(&self, port: &str) -> Option<&Port> {
        self.inputs.iter().find(|p| p.id == port)
    }
}

/// Canvas coordinates of a node's top-left corner, in flow units. (The one type without room
/// for unknown fields: it is plain, copyable geometry.)
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Position {
    pub x: f64,
    pub y: f64,
}

/// Where edges attach to a node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Port {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Free-form ScaiCore type syntax: `string`, `int`, `object`, a declared type name, ...
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub ty: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A directed connection from an output port to an input port.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: EdgeKind,
    pub source: Endpoint,
    pub target: Endpoint,
    /// Required iff `kind` is `conditional`; evaluated in the source node's emitted scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The three edge kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// The target runs after the source completes.
    Sequential,
    /// The target runs only if `condition` is truthy.
    Conditional,
    /// A pure data dependency, no control transfer.
    Data,
}

impl EdgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sequential => "sequential",
            Self::Conditional => "conditional",
            Self::Data => "data",
        }
    }
}

/// One end of an edge: a node id and one of its port ids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Endpoint {
    pub node: String,
    pub port: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A document that is not valid FlowGraph JSON, located by line and column and, once the JSON
/// itself is well-formed, by the path of the offending value (`nodes[2].type`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}{}: {message}", path_suffix(.path))]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    /// JSON path of the value that does not fit; `None` for syntax errors.
    pub path: Option<String>,
    pub message: String,
}

impl ParseError {
    fn new(error: serde_json::Error, path: Option<String>) -> Self {
        use serde_json::error::Category;
        // A syntax error has no meaningful value path; "." is the root, which says nothing.
        let located = matches!(error.classify(), Category::Data);
        ParseError {
            line: error.line(),
            column: error.column(),
            path: path.filter(|p| located && p != "."),
            message: json_message(&error),
        }
    }
}

fn path_suffix(path: &Option<String>) -> String {
    match path {
        Some(path) => format!(" ({path})"),
        None => String::new(),
    }
}

impl FlowGraph {
    /// Parses a flow document from JSON text.
    pub fn from_json(text: &str) -> Result<Self, ParseError> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let flow = FlowGraph::deserialize(&mut deserializer).map_err(|e| {
            let path = path_at(text, e.line(), e.column());
            ParseError::new(e, Some(path))
        })?;
        deserializer.end().map_err(|e| ParseError::new(e, None))?;
        Ok(flow)
    }

    /// Serialises the document as pretty-printed JSON (two-space indent, stable key order).
    pub fn to_json_pretty(&self) -> String {
        // Serialising plain data with string keys cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The node with this id, if any.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }
}

/// The JSON path (`nodes[2].type`, `.` for the root) of the value that ends at `line` and
/// `column` (1-based, in bytes, as serde_json reports an error) of `text`. The path is read off
/// the text: a path-tracking deserializer would put a second copy of every document type's
/// deserializer into the browser bundle, for errors only.
fn path_at(text: &str, line: usize, column: usize) -> String {
    enum Frame {
        /// The key whose value is being read, if any.
        Object(Option<String>),
        /// The index of the element being read.
        Array(usize),
    }
    let line_start: usize =
        text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    let end = (line_start + column).min(text.len());
    let bytes = &text.as_bytes()[..end];
    let mut frames: Vec<Frame> = Vec::new();
    let mut expect_key = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                i = start;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if expect_key && let Some(Frame::Object(key)) = frames.last_mut() {
                    *key = Some(String::from_utf8_lossy(&bytes[start..i.min(bytes.len())]).into());
                    expect_key = false;
                }
            }
            b'{' => {
                frames.push(Frame::Object(None));
                expect_key = true;
            }
            b'[' => frames.push(Frame::Array(0)),
            b'}' | b']' => {
                frames.pop();
                expect_key = false;
            }
            b',' => match frames.last_mut() {
                Some(Frame::Object(key)) => {
                    *key = None;
                    expect_key = true;
                }
                Some(Frame::Array(index)) => *index += 1,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &frames {
        match frame {
            Frame::Object(Some(key)) if path.is_empty() => path.push_str(key),
            Frame::Object(Some(key)) => {
                path.push('.');
                path.push_str(key);
            }
            Frame::Object(None) => {}
            Frame::Array(index) => path.push_str(&format!("[{index}]")),
        }
    }
    if path.is_empty() { ".".to_owned() } else { path }
}

/// serde_json's message for `error` without the " at line L column C" it appends, for callers
/// that report the line and column apart (as ParseError does).
pub fn json_message(error: &serde_json::Error) -> String {
    let message = error.to_string();
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r##"{
        "id": "flow_1", "name": "Hello", "version": "1.0.0",
        "nodes": [
            {"id": "a", "type": "entry_api", "label": "API Entry", "position": {"x": 0, "y": 0},
             "outputs": [{"id": "out_request", "label": "request", "type": "object"}],
             "ui_colour_override": "#fff"}
        ],
        "edges": [],
        "x_future_field": {"keep": [1, 2, 3]}
    }"##;

    #[test]
    fn unknown_fields_survive_a_round_trip() {
        let flow = FlowGraph::from_json(MINIMAL).unwrap();
        assert_eq!(flow.extra["x_future_field"]["keep"][2], 3);
        assert_eq!(flow.nodes[0].extra["ui_colour_override"], "#fff");

        let again = FlowGraph::from_json(&flow.to_json_pretty()).unwrap();
        assert_eq!(again, flow);

        // Also inside the typed parts of the flow config.
        let text = MINIMAL.replace(
            "\"edges\": [],",
            r#""edges": [], "config": {"scaiqueue": {"scope": "s", "hint": 1, "queues": [{"slug": "q", "colour": "red"}]},
                 "bunker": {"image": "x", "zone": "eu"},
                 "core_identity": {"models": [{"role": "primary", "ref": "r", "model": "m", "fallback": [{"ref": "a", "model": "b", "note": "n"}]}]}},"#,
        );
        let flow = FlowGraph::from_json(&text).unwrap();
        let saved: Value = serde_json::from_str(&flow.to_json_pretty()).unwrap();
        assert_eq!(saved["config"]["scaiqueue"]["hint"], 1);
        assert_eq!(saved["config"]["scaiqueue"]["queues"][0]["colour"], "red");
        assert_eq!(saved["config"]["bunker"]["zone"], "eu");
        assert_eq!(saved["config"]["core_identity"]["models"][0]["fallback"][0]["note"], "n");
        let value: Value = serde_json::from_str(&flow.to_json_pretty()).unwrap();
        assert_eq!(value["x_future_field"]["keep"][0], 1);
    }

    #[test]
    fn port_type_and_edge_type_use_wire_names() {
        let flow = FlowGraph::from_json(MINIMAL).unwrap();
        assert_eq!(flow.nodes[0].outputs[0].ty.as_deref(), Some("object"));
        let edge: Edge = serde_json::from_str(
            r#"{"id":"e","type":"conditional","source":{"node":"a","port":"out"},
                "target":{"node":"b","port":"in"},"condition":"x > 1"}"#,
        )
        .unwrap();
        assert_eq!(edge.kind, EdgeKind::Conditional);
        let back = serde_json::to_value(&edge).unwrap();
        assert_eq!(back["type"], "conditional");
    }

    #[test]
    fn parse_errors_carry_line_and_column() {
        let err = FlowGraph::from_json("{\n  \"id\": \"x\",\n  \"name\": 3\n}").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("invalid type"), "{err}");
        assert!(!err.message.contains(" at line "), "{err}");
        assert!(err.to_string().starts_with("line 3, column "), "{err}");
    }

    #[test]
    fn unknown_node_kind_is_rejected_with_its_name_and_path() {
        let text = MINIMAL.replace("entry_api", "entry_chat");
        let err = FlowGraph::from_json(&text).unwrap_err();
        assert!(err.message.contains("entry_chat"), "{err}");
        assert_eq!(err.path.as_deref(), Some("nodes[0].type"));
        assert!(err.to_string().contains("(nodes[0].type)"), "{err}");
    }

    #[test]
    fn data_errors_deep_in_the_document_name_their_path() {
        let text = MINIMAL.replace(r#""x": 0"#, r#""x": "left""#);
        let err = FlowGraph::from_json(&text).unwrap_err();
        assert!(err.message.contains("invalid type"), "{err}");
        assert_eq!(err.path.as_deref(), Some("nodes[0].position.x"));
        let second = MINIMAL.replace(
            r#""edges": []"#,
            r#""edges": [{"id": "e1", "type": "sequential", "source": {"node": "a", "port": "out"},
                          "target": {"node": "a", "port": "in"}},
                         {"id": "e2", "type": "data", "source": {"node": 7, "port": "out"},
                          "target": {"node": "a", "port": "in"}}]"#,
        );
        let err = FlowGraph::from_json(&second).unwrap_err();
        assert_eq!(err.path.as_deref(), Some("edges[1].source.node"));
        // Keys and strings holding brackets, commas and escaped quotes do not confuse it.
        let tricky = MINIMAL.replace(
            r#""name": "Hello""#,
            r#""name": "a, [b] {c} \"d\"", "x_odd\"key,": [1, {"k": "]"}]"#,
        );
        let err = FlowGraph::from_json(&tricky.replace(r#""x": 0"#, r#""x": []"#)).unwrap_err();
        assert_eq!(err.path.as_deref(), Some("nodes[0].position.x"));
        let missing =
            FlowGraph::from_json(r#"{"name": "n", "version": "1", "nodes": [], "edges": []}"#)
                .unwrap_err();
        assert!(missing.message.contains("missing field `id`"), "{missing}");
        assert_eq!(missing.path, None, "the root's own field: no path");
    }

    #[test]
    fn syntax_errors_have_no_path() {
        let err = FlowGraph::from_json("{\"id\": \"x\",, }").unwrap_err();
        assert_eq!(err.path, None);
        assert_eq!((err.line, err.column), (1, 12), "the second comma");
        let err =
            FlowGraph::from_json("{\"id\": \"x\", \"name\": \"n\", \"version\": \"1\"} trailing")
                .unwrap_err();
        assert!(err.message.contains("trailing"), "{err}");
    }
}
