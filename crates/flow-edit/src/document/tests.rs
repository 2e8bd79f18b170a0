use super::*;
use crate::fixtures::{self, edge};

fn node(id: &str, x: f64) -> Node {
    fixtures::node(id, x, 0.0)
}

fn document() -> Document {
    let nodes = vec![node("a", 0.0), node("b", 100.0), node("c", 200.0)];
    let flow = fixtures::flow(nodes, vec![edge("e1", "a", "b"), edge("e2", "b", "c")]);
    Document::new(flow)
}

fn ids(doc: &Document) -> (Vec<&str>, Vec<&str>) {
    (
        doc.flow().nodes.iter().map(|n| n.id.as_str()).collect(),
        doc.flow().edges.iter().map(|e| e.id.as_str()).collect(),
    )
}

#[test]
fn removing_a_node_takes_its_edges_and_undo_restores_order() {
    let mut doc = document();
    let original = doc.flow().clone();
    let mut history = History::default();
    history.run(&mut doc, Command::Remove { nodes: vec!["b".into()], edges: vec![] }).unwrap();
    assert_eq!(ids(&doc), (vec!["a", "c"], vec![]));
    assert!(history.undo(&mut doc).is_some());
    assert_eq!(doc.flow(), &original, "same nodes and edges, in the same order");
    assert!(history.redo(&mut doc).is_some());
    assert_eq!(ids(&doc), (vec!["a", "c"], vec![]));
    assert!(history.redo(&mut doc).is_none());
}

#[test]
fn every_command_is_undone_exactly() {
    let commands = vec![
        Command::Insert {
            nodes: vec![(None, node("d", 300.0))],
            edges: vec![(None, edge("e3", "c", "d"))],
        },
        Command::Move {
            moves: vec![
                ("a".into(), Position { x: 5.0, y: 7.0 }),
                ("c".into(), Position { x: -1.0, y: 2.0 }),
            ],
        },
        Command::ReplaceEdge { id: "e1".into(), edge: Box::new(edge("e1", "a", "c")) },
        Command::Rename { id: "b".into(), label: "Renamed".into() },
        Command::Configure {
            id: "b".into(),
            config: serde_json::from_str(r#"{"template": "hi"}"#).unwrap(),
        },
        Command::Remove { nodes: vec!["a".into()], edges: vec!["e2".into()] },
        Command::Batch(vec![
            Command::Insert { nodes: vec![(None, node("x", 0.0))], edges: vec![] },
            Command::Insert { nodes: vec![], edges: vec![(None, edge("ex", "x", "b"))] },
            Command::Move { moves: vec![("x".into(), Position { x: 9.0, y: 9.0 })] },
        ]),
    ];
    for command in commands {
        let mut doc = document();
        let before = doc.flow().clone();
        let inverse = doc.apply(&command).unwrap_or_else(|e| panic!("{command:?}: {e}"));
        assert_ne!(doc.flow(), &before, "{command:?} changed nothing");
        let redo = doc.apply(&inverse).unwrap();
        assert_eq!(doc.flow(), &before, "{command:?} was not undone exactly");
        doc.apply(&redo).unwrap();
        let mut again = document();
        again.apply(&command).unwrap();
        assert_eq!(doc.flow(), again.flow(), "{command:?} redo");
    }
}

#[test]
fn invalid_commands_change_nothing() {
    let mut doc = document();
    let before = doc.flow().clone();
    let failures = [
        Command::Insert { nodes: vec![(None, node("a", 0.0))], edges: vec![] },
        Command::Insert { nodes: vec![], edges: vec![(None, edge("e9", "a", "ghost"))] },
        Command::Remove { nodes: vec!["ghost".into()], edges: vec![] },
        Command::Move { moves: vec![("ghost".into(), Position::default())] },
        Command::Rename { id: "ghost".into(), label: "x".into() },
        Command::ReplaceEdge { id: "e1".into(), edge: Box::new(edge("e2", "a", "b")) },
        Command::Batch(vec![
            Command::Rename { id: "a".into(), label: "ok".into() },
            Command::Rename { id: "ghost".into(), label: "x".into() },
        ]),
    ];
    for command in failures {
        assert!(doc.apply(&command).is_err(), "{command:?}");
        assert_eq!(doc.flow(), &before, "{command:?} left a change behind");
    }
}

#[test]
fn a_new_step_clears_redo() {
    let mut doc = document();
    let mut history = History::default();
    history.run(&mut doc, Command::Rename { id: "a".into(), label: "one".into() }).unwrap();
    history.undo(&mut doc);
    assert!(history.can_redo());
    history.run(&mut doc, Command::Rename { id: "a".into(), label: "two".into() }).unwrap();
    assert!(!history.can_redo());
    assert_eq!(doc.node("a").unwrap().label, "two");
}

#[test]
fn merged_steps_undo_together_and_other_steps_break_the_run() {
    let mut doc = document();
    let mut history = History::default();
    let at = |x: f64| Command::Move { moves: vec![("a".into(), Position { x, y: 0.0 })] };
    history.run_merging(&mut doc, at(16.0), "nudge:a").unwrap();
    history.run_merging(&mut doc, at(32.0), "nudge:a").unwrap();
    history.run_merging(&mut doc, at(48.0), "nudge:a").unwrap();
    assert_eq!(doc.node("a").unwrap().position.x, 48.0);
    history.undo(&mut doc).unwrap();
    assert_eq!(doc.node("a").unwrap().position.x, 0.0, "one step for the whole burst");
    history.redo(&mut doc).unwrap();
    assert_eq!(doc.node("a").unwrap().position.x, 48.0);

    history.run_merging(&mut doc, at(64.0), "nudge:a").unwrap();
    history.run(&mut doc, Command::Rename { id: "b".into(), label: "x".into() }).unwrap();
    history.run_merging(&mut doc, at(80.0), "nudge:a").unwrap();
    history.undo(&mut doc).unwrap();
    assert_eq!(doc.node("a").unwrap().position.x, 64.0, "a rename in between starts a new step");
}

#[test]
fn a_refused_edit_is_taken_back_to_where_it_began() {
    let mut doc = document();
    let mut history = History::default();
    let label = |l: &str| Command::Rename { id: "a".into(), label: l.into() };
    let before = doc.node("a").unwrap().label.clone();
    history.run_merging(&mut doc, label("5"), "field").unwrap();
    history.run_merging(&mut doc, label("50"), "field").unwrap();
    assert!(history.revert_merging(&mut doc, "field").is_some());
    assert_eq!(doc.node("a").unwrap().label, before, "back to the value before the edit");
    assert!(!history.can_undo() && !history.can_redo(), "nothing to undo or redo");
    assert!(history.revert_merging(&mut doc, "field").is_none(), "only once");

    // A sealed run is finished: a later refusal takes back nothing of it.
    history.run_merging(&mut doc, label("7"), "field").unwrap();
    history.seal();
    assert!(history.revert_merging(&mut doc, "field").is_none());
    assert_eq!(doc.node("a").unwrap().label, "7");
    history.run_merging(&mut doc, label("8"), "field").unwrap();
    history.undo(&mut doc).unwrap();
    assert_eq!(doc.node("a").unwrap().label, "7", "a sealed run is a step of its own");

    // Typing back to the start leaves no empty step behind.
    history.run_merging(&mut doc, label("9"), "other").unwrap();
    history.run_merging(&mut doc, label("7"), "other").unwrap();
    history.undo(&mut doc).unwrap();
    assert_eq!(doc.node("a").unwrap().label, before, "the undo went past the empty step");
}

#[test]
fn edges_of_follows_structural_changes() {
    let mut doc = document();
    let ids_of = |doc: &Document, n: &str| -> Vec<String> {
        doc.edges_of(n).map(|e| e.id.clone()).collect()
    };
    assert_eq!(ids_of(&doc, "b"), ["e1", "e2"]);
    doc.apply(&Command::Remove { nodes: vec![], edges: vec!["e1".into()] }).unwrap();
    assert_eq!(ids_of(&doc, "b"), ["e2"]);
    assert!(ids_of(&doc, "a").is_empty());
    doc.apply(&Command::ReplaceEdge { id: "e2".into(), edge: Box::new(edge("e2", "a", "c")) })
        .unwrap();
    assert_eq!(ids_of(&doc, "a"), ["e2"]);
    assert!(ids_of(&doc, "b").is_empty());
}

#[test]
fn targets_cover_the_command_and_its_inverse() {
    let mut doc = document();
    let command = Command::Remove { nodes: vec!["b".into()], edges: vec![] };
    let inverse = doc.apply(&command).unwrap();
    let (mut nodes, mut edges) = (Vec::new(), Vec::new());
    command.targets(&mut nodes, &mut edges);
    inverse.targets(&mut nodes, &mut edges);
    nodes.sort();
    nodes.dedup();
    edges.sort();
    assert_eq!(nodes, ["b"]);
    assert_eq!(edges, ["e1", "e2"]);
    assert!(command.is_structural());
    assert!(!Command::Rename { id: "a".into(), label: "x".into() }.is_structural());
}
