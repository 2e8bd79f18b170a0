//! Which ports may be connected, and the edge a connection makes.

use flow_model::{Edge, EdgeKind, Endpoint, Node, NodeKind};
use serde_json::Map;

use crate::document::Document;

/// The condition a new conditional edge starts with; the editor opens it for editing at once.
pub const DEFAULT_CONDITION: &str = "true";

/// Why a drop on a port does not connect; shown to the user as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("Drop the connection on an input port (the left side of a card).")]
    NotAnInput,
    #[error("A node cannot be connected to itself.")]
    SameNode,
    #[error("{0} nodes start a flow and have no input.")]
    EntryHasNoInput(&'static str),
    #[error("These ports are already connected.")]
    AlreadyConnected,
    #[error("The ports carry different types: '{from}' into '{to}'.")]
    TypeMismatch { from: String, to: String },
    #[error("The node or port no longer exists.")]
    Gone,
}

/// An output or input port of a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortRef {
    pub node: String,
    pub port: String,
}

impl PortRef {
    pub fn new(node: impl Into<String>, port: impl Into<String>) -> PortRef {
        PortRef { node: node.into(), port: port.into() }
    }
}

/// Checks that output `from` may be connected to input `to`. `replacing` names an edge being
/// reconnected, which does not count as an existing connection.
pub fn check(
    doc: &Document,
    from: &PortRef,
    to: &PortRef,
    replacing: Option<&str>,
) -> Result<(), Refusal> {
    let source = doc.node(&from.node).ok_or(Refusal::Gone)?;
    let target = doc.node(&to.node).ok_or(Refusal::Gone)?;
    let out = source.output(&from.port).ok_or(Refusal::Gone)?;
    if from.node == to.node {
        return Err(Refusal::SameNode);
    }
    if target.kind.is_entry() {
        return Err(Refusal::EntryHasNoInput(target.kind.display_name()));
    }
    let input = target.input(&to.port).ok_or(Refusal::NotAnInput)?;
    let duplicate = doc.edges_of(&from.node).any(|e| {
        Some(e.id.as_str()) != replacing
            && e.source.node == from.node
            && e.source.port == from.port
            && e.target.node == to.node
            && e.target.port == to.port
    });
    if duplicate {
        return Err(Refusal::AlreadyConnected);
    }
    if let (Some(a), Some(b)) = (&out.ty, &input.ty)
        && !types_fit(a, b)
    {
        return Err(Refusal::TypeMismatch { from: a.clone(), to: b.clone() });
    }
    Ok(())
}

/// Declared port types fit when equal, or when either side is a catch-all.
fn types_fit(from: &str, to: &str) -> bool {
    const ANY: [&str; 2] = ["any", "object"];
    from.eq_ignore_ascii_case(to) || ANY.contains(&from) || ANY.contains(&to)
}

/// The kind of edge a connection out of `port` of `source` makes: conditional out of a
/// decision, data out of an auxiliary (`out_aux…`) port, sequential otherwise.
pub fn kind_for(source: &Node, port: &str) -> EdgeKind {
    if source.kind == NodeKind::LogicDecision {
        EdgeKind::Conditional
    } else if port.starts_with("out_aux") {
        EdgeKind::Data
    } else {
        EdgeKind::Sequential
    }
}

/// A new edge `id` from `from` to `to`, of the kind its source calls for.
pub fn edge(id: String, source: &Node, from: &PortRef, to: &PortRef) -> Edge {
    let kind = kind_for(source, &from.port);
    Edge {
        id,
        kind,
        source: Endpoint { node: from.node.clone(), port: from.port.clone(), extra: Map::new() },
        target: Endpoint { node: to.node.clone(), port: to.port.clone(), extra: Map::new() },
        condition: (kind == EdgeKind::Conditional).then(|| DEFAULT_CONDITION.to_owned()),
        extra: Map::new(),
    }
}

/// The first output of `node` that no edge leaves yet (else its first output): where a
/// keyboard-added successor is attached.
pub fn free_output(doc: &Document, node: &Node) -> Option<String> {
    let used = |port: &str| {
        doc.edges_of(&node.id).any(|e| e.source.node == node.id && e.source.port == port)
    };
    node.outputs.iter().find(|p| !used(&p.id)).or(node.outputs.first()).map(|p| p.id.clone())
}

#[cfg(test)]
mod tests {
    use flow_model::{FlowGraph, Position};

    use super::*;
    use crate::document::Command;

    fn document() -> Document {
        let mut flow =
            FlowGraph::from_json(r#"{"id": "f", "name": "F", "version": "1.0.0"}"#).unwrap();
        flow.nodes = vec![
            Node::new(NodeKind::EntryApi, "entry", Position::default()),
            Node::new(NodeKind::LogicDecision, "decide", Position::default()),
            Node::new(NodeKind::LlmRigid, "answer", Position::default()),
            Node::new(NodeKind::EntryWebhook, "hook", Position::default()),
        ];
        let mut doc = Document::new(flow);
        let first = {
            let entry = doc.node("entry").unwrap().clone();
            edge(
                "e1".into(),
                &entry,
                &PortRef::new("entry", "out_request"),
                &PortRef::new("decide", "in"),
            )
        };
        doc.apply(&Command::Insert { nodes: vec![], edges: vec![(None, first)] }).unwrap();
        doc
    }

    #[test]
    fn refusals_say_why() {
        let doc = document();
        let out = PortRef::new("decide", "out");
        assert_eq!(check(&doc, &out, &PortRef::new("answer", "in"), None), Ok(()));
        assert_eq!(check(&doc, &out, &PortRef::new("decide", "in"), None), Err(Refusal::SameNode));
        assert_eq!(
            check(&doc, &out, &PortRef::new("hook", "in"), None),
            Err(Refusal::EntryHasNoInput("Webhook Entry"))
        );
        assert_eq!(
            check(&doc, &out, &PortRef::new("answer", "nope"), None),
            Err(Refusal::NotAnInput)
        );
        let entry_out = PortRef::new("entry", "out_request");
        let decide_in = PortRef::new("decide", "in");
        assert_eq!(check(&doc, &entry_out, &decide_in, None), Err(Refusal::AlreadyConnected));
        assert_eq!(
            check(&doc, &entry_out, &decide_in, Some("e1")),
            Ok(()),
            "reconnecting in place"
        );
        assert_eq!(
            check(&doc, &PortRef::new("ghost", "out"), &decide_in, None),
            Err(Refusal::Gone)
        );
    }

    #[test]
    fn declared_types_must_fit() {
        let mut doc = document();
        let mut answer = doc.node("answer").unwrap().clone();
        answer.inputs[0].ty = Some("string".into());
        answer.id = "typed".into();
        doc.apply(&Command::Insert { nodes: vec![(None, answer)], edges: vec![] }).unwrap();
        let mut decide = doc.node("decide").unwrap().clone();
        decide.id = "arr".into();
        decide.outputs[0].ty = Some("array".into());
        doc.apply(&Command::Insert { nodes: vec![(None, decide)], edges: vec![] }).unwrap();
        assert_eq!(
            check(&doc, &PortRef::new("arr", "out"), &PortRef::new("typed", "in"), None),
            Err(Refusal::TypeMismatch { from: "array".into(), to: "string".into() })
        );
        // `object` out of the entry fits anything.
        assert_eq!(
            check(&doc, &PortRef::new("entry", "out_request"), &PortRef::new("typed", "in"), None),
            Ok(())
        );
    }

    #[test]
    fn the_source_picks_the_edge_kind() {
        let doc = document();
        let decide = doc.node("decide").unwrap();
        let e =
            edge("e".into(), decide, &PortRef::new("decide", "out"), &PortRef::new("answer", "in"));
        assert_eq!(e.kind, EdgeKind::Conditional);
        assert_eq!(e.condition.as_deref(), Some(DEFAULT_CONDITION));
        let answer = doc.node("answer").unwrap();
        assert_eq!(kind_for(answer, "out"), EdgeKind::Sequential);
        assert_eq!(kind_for(answer, "out_aux"), EdgeKind::Data);
    }

    #[test]
    fn free_output_prefers_an_unused_port() {
        let doc = document();
        assert_eq!(free_output(&doc, doc.node("entry").unwrap()).as_deref(), Some("out_request"));
        let mut looped = Node::new(NodeKind::LogicLoop, "loop", Position::default());
        looped.id = "loop".into();
        assert_eq!(free_output(&doc, &looped).as_deref(), Some("out_body"));
    }
}
