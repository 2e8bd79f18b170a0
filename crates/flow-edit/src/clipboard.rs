//! Copy and paste as FlowGraph JSON: what is copied is a valid flow document (so it can be
//! pasted into a text editor, another tab or another flow), and what is pasted may be any flow
//! document, a `{nodes, edges}` fragment or a single node.

use std::collections::{HashMap, HashSet};

use flow_model::{Edge, FlowGraph, Node, Position, SCHEMA_URL};
use serde_json::{Map, Value, json};

use crate::document::{Command, Document};
use crate::geometry::{Bounds, Point, snap};
use crate::ids::IdGen;

/// How far a paste over its own original, or a duplicate, is shifted so both stay visible.
pub const PASTE_OFFSET: f64 = 32.0;

/// The JSON document for `ids` (in document order) and the edges between them.
pub fn copy(doc: &Document, ids: &HashSet<String>) -> Option<String> {
    let nodes: Vec<&Node> = doc.flow().nodes.iter().filter(|n| ids.contains(&n.id)).collect();
    if nodes.is_empty() {
        return None;
    }
    let edges: Vec<&Edge> = doc
        .flow()
        .edges
        .iter()
        .filter(|e| ids.contains(&e.source.node) && ids.contains(&e.target.node))
        .collect();
    let document = json!({
        "$schema": SCHEMA_URL,
        "id": "flow_clipboard",
        "name": "Copied nodes",
        "version": "1.0.0",
        "nodes": nodes,
        "edges": edges,
    });
    serde_json::to_string_pretty(&document).ok()
}

/// Why a paste did nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasteError {
    #[error("The clipboard does not hold JSON: {0}")]
    NotJson(String),
    #[error("The clipboard's JSON is not a flow, nodes or a node: {0}")]
    NotFlow(String),
    #[error("The clipboard holds no nodes.")]
    Empty,
}

/// The parsed nodes and edges of pasted text, before they get fresh ids.
pub fn parse(text: &str) -> Result<(Vec<Node>, Vec<Edge>), PasteError> {
    let value: Value =
        serde_json::from_str(text.trim()).map_err(|e| PasteError::NotJson(e.to_string()))?;
    let mut object = match value {
        Value::Array(nodes) => {
            let mut o = Map::new();
            o.insert("nodes".into(), Value::Array(nodes));
            o
        }
        Value::Object(o) if o.contains_key("nodes") => o,
        // A single node.
        Value::Object(o) if o.contains_key("type") => {
            let mut wrapped = Map::new();
            wrapped.insert("nodes".into(), Value::Array(vec![Value::Object(o)]));
            wrapped
        }
        _ => return Err(PasteError::NotFlow("expected an object with \"nodes\"".into())),
    };
    // A fragment need not carry the document's required top-level fields.
    for (key, default) in [("id", "flow_clipboard"), ("name", "Pasted"), ("version", "1.0.0")] {
        object.entry(key).or_insert_with(|| Value::String(default.into()));
    }
    let flow = FlowGraph::from_json(&Value::Object(object).to_string())
        .map_err(|e| PasteError::NotFlow(e.to_string()))?;
    if flow.nodes.is_empty() {
        return Err(PasteError::Empty);
    }
    Ok((flow.nodes, flow.edges))
}

/// Where pasted nodes go.
#[derive(Debug, Clone, Copy)]
pub enum Placement {
    /// Shifted by [`PASTE_OFFSET`] from where they were (duplicate, or paste over the original).
    Offset,
    /// With the group's centre at this flow point.
    CentredAt(Point),
}

/// Free space kept between a pasted card and the cards around it.
const CLEAR_GAP: f64 = 16.0;
/// Step of the search for free space (two snap cells).
const CLEAR_STEP: f64 = 32.0;
/// How far (in steps) the search looks in each direction before giving up on nearby space.
const CLEAR_REACH: i32 = 40;
/// Above this many cards, the search keeps the group's bounding box clear instead of each card.
const CLEAR_CARD_LIMIT: usize = 50;

/// The smallest move, nearest first, after which none of `cards` overlaps (or touches) a card
/// that `occupied` reports; below everything the search covered when nothing near is free.
pub fn clear_shift(cards: &[Bounds], occupied: &dyn Fn(&Bounds) -> bool) -> (f64, f64) {
    let Some(group) = cards.iter().copied().reduce(Bounds::union) else { return (0.0, 0.0) };
    let shapes: Vec<Bounds> =
        if cards.len() > CLEAR_CARD_LIMIT { vec![group] } else { cards.to_vec() };
    let clear_at = |dx: f64, dy: f64| {
        shapes.iter().all(|b| {
            let moved = Bounds {
                min: Point::new(b.min.x + dx, b.min.y + dy),
                max: Point::new(b.max.x + dx, b.max.y + dy),
            };
            !occupied(&moved.inflate(CLEAR_GAP))
        })
    };
    let mut offsets: Vec<(i32, i32)> = (-CLEAR_REACH..=CLEAR_REACH)
        .flat_map(|i| (-CLEAR_REACH..=CLEAR_REACH).map(move |j| (i, j)))
        .collect();
    // Nearest first; at equal distance, below before above and right before left.
    offsets.sort_by_key(|&(i, j)| (i * i + j * j, j < 0, i < 0, j.abs(), i.abs()));
    for (i, j) in offsets {
        let (dx, dy) = (f64::from(i) * CLEAR_STEP, f64::from(j) * CLEAR_STEP);
        if clear_at(dx, dy) {
            return (dx, dy);
        }
    }
    // Nothing near is free (a dense flow): below the whole area searched, one step at a time.
    let mut dy = f64::from(CLEAR_REACH + 1) * CLEAR_STEP;
    while !clear_at(0.0, dy) {
        dy += group.height() + CLEAR_GAP * 2.0;
    }
    (0.0, dy)
}

/// The command inserting `nodes` and the `edges` among them with fresh ids (edges to anything
/// outside the group are dropped), placed as `placement` says and then moved clear of every card
/// `occupied` reports; and the new node ids.
pub fn insert(
    doc: &Document,
    ids: &mut IdGen,
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    placement: Placement,
    occupied: &dyn Fn(&Bounds) -> bool,
) -> (Command, Vec<String>) {
    let bounds = nodes
        .iter()
        .map(crate::geometry::card)
        .reduce(Bounds::union)
        .unwrap_or(Bounds { min: Point::new(0.0, 0.0), max: Point::new(0.0, 0.0) });
    let (dx, dy) = match placement {
        Placement::Offset => (PASTE_OFFSET, PASTE_OFFSET),
        Placement::CentredAt(at) => {
            // Land the group's top-left corner on the snap grid.
            let (w, h) = (bounds.width(), bounds.height());
            let corner = Point::new(snap(at.x - w / 2.0), snap(at.y - h / 2.0));
            (corner.x - bounds.min.x, corner.y - bounds.min.y)
        }
    };
    let placed: Vec<Bounds> = nodes
        .iter()
        .map(|n| {
            let b = crate::geometry::card(n);
            Bounds {
                min: Point::new(b.min.x + dx, b.min.y + dy),
                max: Point::new(b.max.x + dx, b.max.y + dy),
            }
        })
        .collect();
    let (clear_x, clear_y) = clear_shift(&placed, occupied);
    let (dx, dy) = (dx + clear_x, dy + clear_y);
    let mut renamed: HashMap<String, String> = HashMap::new();
    let mut new_nodes = Vec::with_capacity(nodes.len());
    for mut node in nodes {
        if renamed.contains_key(&node.id) {
            continue; // a duplicate id in the pasted text: keep the first
        }
        let fresh = ids
            .next("node", |id| doc.node(id).is_some() || renamed.values().any(|taken| taken == id));
        renamed.insert(node.id.clone(), fresh.clone());
        node.id = fresh;
        node.position = Position { x: node.position.x + dx, y: node.position.y + dy };
        new_nodes.push(node);
    }
    let mut new_edges = Vec::new();
    let mut edge_ids: HashSet<String> = HashSet::new();
    for mut edge in edges {
        let (Some(source), Some(target)) =
            (renamed.get(&edge.source.node), renamed.get(&edge.target.node))
        else {
            continue;
        };
        edge.source.node = source.clone();
        edge.target.node = target.clone();
        edge.id = ids.next("edge", |id| doc.edge(id).is_some() || edge_ids.contains(id));
        edge_ids.insert(edge.id.clone());
        new_edges.push((None, edge));
    }
    let created = new_nodes.iter().map(|n| n.id.clone()).collect();
    let command = Command::Insert {
        nodes: new_nodes.into_iter().map(|n| (None, n)).collect(),
        edges: new_edges,
    };
    (command, created)
}

#[cfg(test)]
mod tests {
    use flow_model::{EXAMPLES, NodeKind};

    use super::*;

    fn example() -> Document {
        Document::new(FlowGraph::from_json(EXAMPLES[0].json).unwrap())
    }

    #[test]
    fn copy_then_paste_keeps_internal_edges_with_fresh_ids() {
        let mut doc = example();
        let picked: HashSet<String> =
            ["node_classify", "node_kb", "node_respond"].iter().map(|s| s.to_string()).collect();
        let text = copy(&doc, &picked).unwrap();
        // The copy is itself a valid flow document.
        let copied = FlowGraph::from_json(&text).unwrap();
        assert_eq!(copied.nodes.len(), 3);
        assert_eq!(copied.edges.len(), 2, "only the edges inside the selection");

        let (nodes, edges) = parse(&text).unwrap();
        let (command, created) =
            insert(&doc, &mut IdGen::new(1), nodes, edges, Placement::Offset, &|_| false);
        let before = doc.flow().nodes.len();
        doc.apply(&command).unwrap();
        assert_eq!(doc.flow().nodes.len(), before + 3);
        assert_eq!(created.len(), 3);
        for id in &created {
            assert!(!picked.contains(id));
        }
        let new_edges: Vec<&Edge> =
            doc.flow().edges.iter().filter(|e| created.contains(&e.source.node)).collect();
        assert_eq!(new_edges.len(), 2);
        assert!(new_edges.iter().all(|e| created.contains(&e.target.node)));
        let original = doc.node("node_kb").unwrap().position;
        let kb_copy = doc.flow().nodes.iter().find(|n| n.label == "KB Search" && n.id != "node_kb");
        let moved = kb_copy.unwrap().position;
        assert_eq!((moved.x - original.x, moved.y - original.y), (PASTE_OFFSET, PASTE_OFFSET));
    }

    #[test]
    fn pasting_centres_the_group_on_the_point() {
        let doc = example();
        let node = Node::new(NodeKind::LlmRigid, "x", Position { x: 1000.0, y: 1000.0 });
        let (command, _) = insert(
            &doc,
            &mut IdGen::new(2),
            vec![node],
            vec![],
            Placement::CentredAt(Point::new(0.0, 0.0)),
            &|_| false,
        );
        let Command::Insert { nodes, .. } = command else { panic!("not an insert") };
        let at = nodes[0].1.position;
        assert!(at.x.abs() <= 120.0 && at.y.abs() <= 50.0, "{at:?}");
        assert_eq!(at.x % 16.0, 0.0);
    }

    /// Whether `area` meets any card of `doc`.
    fn overlaps(doc: &Document, area: &Bounds) -> bool {
        doc.flow().nodes.iter().any(|n| {
            let c = crate::geometry::card(n);
            c.min.x < area.max.x
                && area.min.x < c.max.x
                && c.min.y < area.max.y
                && area.min.y < c.max.y
        })
    }

    #[test]
    fn a_paste_over_its_original_lands_clear_of_every_card() {
        let mut doc = example();
        let picked: HashSet<String> = ["node_kb".to_owned()].into();
        let (nodes, edges) = parse(&copy(&doc, &picked).unwrap()).unwrap();
        let occupied = |area: &Bounds| overlaps(&doc, area);
        let (command, created) =
            insert(&doc, &mut IdGen::new(4), nodes, edges, Placement::Offset, &occupied);
        doc.apply(&command).unwrap();
        let pasted = crate::geometry::card(doc.node(&created[0]).unwrap());
        let others = doc.flow().nodes.iter().filter(|n| n.id != created[0]);
        for other in others {
            let c = crate::geometry::card(other);
            let apart = pasted.max.x <= c.min.x
                || c.max.x <= pasted.min.x
                || pasted.max.y <= c.min.y
                || c.max.y <= pasted.min.y;
            assert!(apart, "the paste {pasted:?} overlaps {}", other.id);
        }
        let original = crate::geometry::card(doc.node("node_kb").unwrap());
        let distance = (pasted.min.x - original.min.x).hypot(pasted.min.y - original.min.y);
        assert!(distance < 400.0, "it stays near the original: {distance}");
    }

    #[test]
    fn the_nearest_free_spot_is_taken() {
        let card = Bounds { min: Point::new(0.0, 0.0), max: Point::new(100.0, 50.0) };
        assert_eq!(clear_shift(&[card], &|_| false), (0.0, 0.0), "already clear");
        // Everything left of x = 300 is taken: the card moves right just enough.
        let (dx, dy) = clear_shift(&[card], &|area| area.min.x < 300.0);
        assert_eq!(dy, 0.0);
        assert!((284.0..=320.0).contains(&dx), "{dx}");
    }

    #[test]
    fn fragments_arrays_and_single_nodes_paste() {
        let node =
            r#"{"id": "n1", "type": "llm_rigid", "label": "One", "position": {"x": 0, "y": 0}}"#;
        assert_eq!(parse(node).unwrap().0.len(), 1);
        assert_eq!(parse(&format!("[{node}, {}]", node.replace("n1", "n2"))).unwrap().0.len(), 2);
        assert_eq!(parse(&format!(r#"{{"nodes": [{node}]}}"#)).unwrap().0[0].label, "One");
    }

    #[test]
    fn bad_clipboards_say_why() {
        assert!(matches!(parse("hello"), Err(PasteError::NotJson(_))));
        assert!(matches!(parse("42"), Err(PasteError::NotFlow(_))));
        assert!(matches!(
            parse(
                r#"{"nodes": [{"id": "n", "type": "nope", "label": "x", "position": {"x": 0, "y": 0}}]}"#
            ),
            Err(PasteError::NotFlow(_))
        ));
        assert_eq!(parse(r#"{"nodes": []}"#), Err(PasteError::Empty));
    }

    #[test]
    fn edges_leaving_the_group_are_dropped() {
        let doc = example();
        let flow = doc.flow().clone();
        let nodes = vec![flow.node("node_kb").unwrap().clone()];
        let (command, _) =
            insert(&doc, &mut IdGen::new(3), nodes, flow.edges, Placement::Offset, &|_| false);
        let Command::Insert { edges, .. } = command else { panic!("not an insert") };
        assert!(edges.is_empty());
    }
}
