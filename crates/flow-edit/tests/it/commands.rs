//! Commands in JSON: the documented form, a round trip that applies the same, and refusals.

use flow_edit::document::{Command, Document, FlowProperties};
use flow_model::{EXAMPLES, FlowGraph, Node, NodeKind, Port, Position};
use serde_json::{Value, json};

fn example() -> FlowGraph {
    FlowGraph::from_json(EXAMPLES[0].json).expect("the first example parses")
}

fn position(x: f64, y: f64) -> Position {
    Position { x, y }
}

/// Serialised, then read back.
fn through_json(command: &Command) -> Command {
    let text = serde_json::to_string(command).expect("every command serialises");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{text} does not read back: {e}"))
}

#[test]
fn commands_read_and_write_the_documented_form() {
    let node = Node::new(NodeKind::LlmRigid, "n_new", position(10.0, 20.0));
    let cases = [
        (
            json!({"op": "rename", "args": {"id": "n1", "label": "Triage"}}),
            Command::Rename { id: "n1".into(), label: "Triage".into() },
        ),
        (
            json!({"op": "move", "args": {"moves": [{"id": "n1", "position": {"x": 1.0, "y": 2.0}}]}}),
            Command::Move { moves: vec![("n1".into(), position(1.0, 2.0))] },
        ),
        (
            json!({"op": "insert", "args": {
                "nodes": [{"index": 3, "node": serde_json::to_value(&node).unwrap()},
                          {"node": serde_json::to_value(&node).unwrap()}],
                "edges": []
            }}),
            Command::Insert { nodes: vec![(Some(3), node.clone()), (None, node)], edges: vec![] },
        ),
        (
            json!({"op": "remove", "args": {"nodes": ["a"], "edges": ["e1", "e2"]}}),
            Command::Remove { nodes: vec!["a".into()], edges: vec!["e1".into(), "e2".into()] },
        ),
        (
            json!({"op": "flow", "args": {"name": "Renamed"}}),
            Command::Flow(Box::new(FlowProperties {
                name: "Renamed".into(),
                description: None,
                scaicore_target: None,
                config: None,
            })),
        ),
        (
            json!({"op": "batch", "args": [
                {"op": "rename", "args": {"id": "a", "label": "A"}},
                {"op": "batch", "args": []}
            ]}),
            Command::Batch(vec![
                Command::Rename { id: "a".into(), label: "A".into() },
                Command::Batch(vec![]),
            ]),
        ),
    ];
    for (wire, command) in cases {
        let read: Command = serde_json::from_value(wire.clone())
            .unwrap_or_else(|e| panic!("{wire} does not read: {e}"));
        assert_eq!(read, command, "{wire}");
        assert_eq!(
            serde_json::to_value(&command).unwrap(),
            wire,
            "{command:?} is written as documented"
        );
    }
}

#[test]
fn a_command_read_from_json_applies_exactly_as_the_original_and_so_does_its_inverse() {
    let flow = example();
    let first = flow.nodes[0].id.clone();
    let second = flow.nodes[1].id.clone();
    let edge = flow.edges[0].clone();
    let mut rewired = edge.clone();
    rewired.target.node = first.clone();
    let mut config = flow.nodes[1].config.clone();
    config.insert("note".into(), json!({"nested": [1, 2.5, null, "text"]}));
    let mut properties = FlowProperties::of(&flow);
    properties.name = "Through the wire".into();
    properties.description = Some("described".into());
    let commands = vec![
        Command::Insert {
            nodes: vec![(
                Some(0),
                Node::new(NodeKind::LogicDecision, "n_wire", position(-40.0, 0.0)),
            )],
            edges: vec![],
        },
        Command::Remove { nodes: vec![first.clone()], edges: vec![] },
        Command::Move { moves: vec![(second.clone(), position(123.5, -7.25))] },
        Command::ReplaceEdge { id: edge.id.clone(), edge: Box::new(rewired) },
        Command::Rename { id: second.clone(), label: "Über «quoted» \"label\"".into() },
        Command::Configure { id: second.clone(), config },
        Command::Ports {
            id: second.clone(),
            inputs: vec![Port {
                id: "in".into(),
                label: None,
                ty: None,
                extra: Default::default(),
            }],
            outputs: vec![Port {
                id: "yes".into(),
                label: Some("Yes".into()),
                ty: Some("string".into()),
                extra: Default::default(),
            }],
        },
        Command::Flow(Box::new(properties)),
        Command::Batch(vec![
            Command::Rename { id: first.clone(), label: "One".into() },
            Command::Move { moves: vec![(first, position(0.0, 0.0))] },
        ]),
    ];
    for command in commands {
        let read = through_json(&command);
        assert_eq!(read, command);

        let mut here = Document::new(flow.clone());
        let mut there = Document::new(flow.clone());
        let inverse = here.apply(&command).unwrap_or_else(|e| panic!("{command:?}: {e}"));
        let remote_inverse = there.apply(&read).unwrap();
        assert_eq!(here.flow(), there.flow(), "{command:?} applied differently after JSON");
        assert_ne!(here.flow(), &flow, "{command:?} changed nothing");

        // The inverse (with its insertion indices) travels too: undo on the other side.
        assert_eq!(through_json(&inverse), remote_inverse);
        there.apply(&through_json(&remote_inverse)).unwrap();
        assert_eq!(there.flow(), &flow, "{command:?}: the inverse read from JSON did not undo it");
    }
}

#[test]
fn malformed_commands_are_refused_with_the_reason() {
    let cases = [
        (json!({"op": "explode", "args": {}}), "unknown variant `explode`"),
        (json!({"op": "rename", "args": {"id": "n1"}}), "missing field `label`"),
        (
            json!({"op": "move", "args": {"moves": [{"id": "n1", "position": {"x": "0", "y": 0}}]}}),
            "invalid type",
        ),
        (
            json!({"op": "move", "args": {"moves": [{"position": {"x": 0, "y": 0}}]}}),
            "missing field `id`",
        ),
        (
            json!({"op": "insert", "args": {"nodes": [{"index": -1, "node": {}}], "edges": []}}),
            "invalid value",
        ),
        (json!({"args": {}}), "missing field `op`"),
        (json!("rename"), "invalid type"),
    ];
    for (wire, reason) in cases {
        let error = serde_json::from_value::<Command>(wire.clone())
            .expect_err(&format!("{wire} was read as a command"));
        assert!(error.to_string().contains(reason), "{wire}: {error}");
    }
}

#[test]
fn a_command_that_does_not_fit_the_document_is_refused_after_reading() {
    // Well-formed JSON naming what is not there reads, and the document refuses it whole.
    let flow = example();
    let mut doc = Document::new(flow.clone());
    let wire: Value = json!({"op": "batch", "args": [
        {"op": "rename", "args": {"id": flow.nodes[0].id, "label": "Kept?"}},
        {"op": "remove", "args": {"nodes": ["no_such_node"], "edges": []}}
    ]});
    let command: Command = serde_json::from_value(wire).unwrap();
    let error = doc.apply(&command).expect_err("a batch naming a missing node applies");
    assert_eq!(error.to_string(), "there is no node 'no_such_node'");
    assert_eq!(doc.flow(), &flow, "nothing of the batch was applied");
}
