//! The document as the canvas sees it: the flow, its undo history and where everything is.
//!
//! Every change runs through [`Scene::run`], [`Scene::undo`] or [`Scene::redo`], which keep the
//! spatial indexes in step and report exactly which nodes and edges changed, so the view
//! updates those and nothing else.

use std::collections::{HashMap, HashSet};

use flow_model::{FlowGraph, Node};

use super::document::{Command, CommandError, Document, History};
use super::geometry::{self, Bounds, Point};
use super::spatial::Grid;

/// What one step changed.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Changes {
    /// Nodes added, removed, moved or edited (each once).
    pub nodes: Vec<String>,
    /// Edges added, removed, re-linked, or moved along with a node (each once).
    pub edges: Vec<String>,
    /// Whether nodes or edges were added or removed (the visible set must be looked up again).
    pub structural: bool,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.edges.is_empty()
    }
}

/// Stable small numbers for ids, so the spatial grid stores `u32`s. Numbers grow with each
/// insertion and are never reused, so sorting by them puts newer items on top.
#[derive(Debug, Default, Clone)]
struct Slots {
    by_id: HashMap<String, u32>,
    ids: HashMap<u32, String>,
    next: u32,
}

impl Slots {
    fn get_or_assign(&mut self, id: &str) -> u32 {
        if let Some(&slot) = self.by_id.get(id) {
            return slot;
        }
        let slot = self.next;
        self.next += 1;
        self.by_id.insert(id.to_owned(), slot);
        self.ids.insert(slot, id.to_owned());
        slot
    }

    fn release(&mut self, id: &str) -> Option<u32> {
        let slot = self.by_id.remove(id)?;
        self.ids.remove(&slot);
        Some(slot)
    }

    fn id(&self, slot: u32) -> Option<&str> {
        self.ids.get(&slot).map(String::as_str)
    }
}

/// The flow, its history and spatial indexes of node cards and edge curves.
#[derive(Debug)]
pub struct Scene {
    doc: Document,
    history: History,
    node_grid: Grid,
    edge_grid: Grid,
    node_slots: Slots,
    edge_slots: Slots,
}

impl Scene {
    pub fn new(flow: FlowGraph) -> Scene {
        let mut scene = Scene {
            doc: Document::new(flow),
            history: History::default(),
            node_grid: Grid::default(),
            edge_grid: Grid::default(),
            node_slots: Slots::default(),
            edge_slots: Slots::default(),
        };
        scene.index_all();
        scene
    }

    pub fn doc(&self) -> &Document {
        &self.doc
    }

    pub fn flow(&self) -> &FlowGraph {
        self.doc.flow()
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.doc.node(id)
    }

    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    /// Replaces the whole flow (opening a draft, reloading), forgetting the history.
    pub fn replace(&mut self, flow: FlowGraph) {
        *self = Scene::new(flow);
    }

    /// Changes fields outside the graph (see [`Document::update_meta`]).
    pub fn update_meta(&mut self, f: impl FnOnce(&mut FlowGraph)) {
        self.doc.update_meta(f);
    }

    /// Runs `command` as one undo step.
    pub fn run(&mut self, command: Command) -> Result<Changes, CommandError> {
        let inverse = self.history.run(&mut self.doc, command.clone())?;
        Ok(self.reindex(&command, &inverse))
    }

    /// Runs `command`, merged into the previous step when that had the same `key`.
    pub fn run_merging(&mut self, command: Command, key: &str) -> Result<Changes, CommandError> {
        let inverse = self.history.run_merging(&mut self.doc, command.clone(), key)?;
        Ok(self.reindex(&command, &inverse))
    }

    /// See [`History::seal`](super::document::History::seal).
    pub fn seal_history(&mut self) {
        self.history.seal();
    }

    /// Takes back the edits merged under `key` (see
    /// [`History::revert_merging`](super::document::History::revert_merging)).
    pub fn revert_merging(&mut self, key: &str) -> Option<Changes> {
        let (command, inverse) = self.history.revert_merging(&mut self.doc, key)?;
        Some(self.reindex(&command, &inverse))
    }

    pub fn undo(&mut self) -> Option<Changes> {
        let (command, inverse) = self.history.undo(&mut self.doc)?;
        Some(self.reindex(&command, &inverse))
    }

    pub fn redo(&mut self) -> Option<Changes> {
        let (command, inverse) = self.history.redo(&mut self.doc)?;
        Some(self.reindex(&command, &inverse))
    }

    /// Node and edge ids whose drawings intersect `area`, oldest first.
    pub fn visible(&self, area: &Bounds) -> (Vec<String>, Vec<String>) {
        let nodes = self.node_grid.query(area);
        let edges = self.edge_grid.query(area);
        (
            nodes.into_iter().filter_map(|s| self.node_slots.id(s).map(str::to_owned)).collect(),
            edges.into_iter().filter_map(|s| self.edge_slots.id(s).map(str::to_owned)).collect(),
        )
    }

    /// Nodes whose cards intersect `area` (box selection), in document order.
    pub fn nodes_in(&self, area: &Bounds) -> Vec<String> {
        let mut found: Vec<(usize, String)> = self
            .node_grid
            .query(area)
            .into_iter()
            .filter_map(|s| self.node_slots.id(s))
            .filter_map(|id| Some((self.doc.index_of(id)?, id.to_owned())))
            .collect();
        found.sort_unstable();
        found.into_iter().map(|(_, id)| id).collect()
    }

    /// The topmost node whose card holds `point`.
    pub fn node_at(&self, point: Point) -> Option<String> {
        let slot = *self.node_grid.at(point).last()?;
        self.node_slots.id(slot).map(str::to_owned)
    }

    /// The rectangle holding every card, `None` for an empty flow.
    pub fn bounds(&self) -> Option<Bounds> {
        Bounds::of_nodes(self.doc.flow())
    }

    /// The rectangle holding the cards of `ids` (those that exist).
    pub fn bounds_of<'a>(&self, ids: impl IntoIterator<Item = &'a String>) -> Option<Bounds> {
        ids.into_iter().filter_map(|id| self.doc.node(id)).map(geometry::card).reduce(Bounds::union)
    }

    fn index_all(&mut self) {
        let flow = self.doc.flow();
        for node in &flow.nodes {
            let slot = self.node_slots.get_or_assign(&node.id);
            self.node_grid.insert(slot, geometry::card(node));
        }
        for edge in &flow.edges {
            let (Some(source), Some(target)) =
                (self.doc.node(&edge.source.node), self.doc.node(&edge.target.node))
            else {
                continue;
            };
            let slot = self.edge_slots.get_or_assign(&edge.id);
            self.edge_grid.insert(slot, geometry::edge_bounds(source, target, edge));
        }
    }

    /// Brings the grids up to date after `command` (whose inverse is `inverse`) was applied.
    fn reindex(&mut self, command: &Command, inverse: &Command) -> Changes {
        let (mut nodes, mut edges) = (Vec::new(), Vec::new());
        command.targets(&mut nodes, &mut edges);
        inverse.targets(&mut nodes, &mut edges);
        let mut seen = HashSet::new();
        nodes.retain(|id| seen.insert(id.clone()));
        for id in &nodes {
            match self.doc.node(id) {
                Some(node) => {
                    let slot = self.node_slots.get_or_assign(id);
                    self.node_grid.insert(slot, geometry::card(node));
                    edges.extend(self.doc.edges_of(id).map(|e| e.id.clone()));
                }
                None => {
                    if let Some(slot) = self.node_slots.release(id) {
                        self.node_grid.remove(slot);
                    }
                }
            }
        }
        let mut seen = HashSet::new();
        edges.retain(|id| seen.insert(id.clone()));
        for id in &edges {
            let ends = self.doc.edge(id).and_then(|edge| {
                Some((edge, self.doc.node(&edge.source.node)?, self.doc.node(&edge.target.node)?))
            });
            match ends {
                Some((edge, source, target)) => {
                    let slot = self.edge_slots.get_or_assign(id);
                    self.edge_grid.insert(slot, geometry::edge_bounds(source, target, edge));
                }
                None => {
                    if let Some(slot) = self.edge_slots.release(id) {
                        self.edge_grid.remove(slot);
                    }
                }
            }
        }
        Changes { nodes, edges, structural: command.is_structural() }
    }
}

#[cfg(test)]
mod tests {
    use flow_model::Position;

    use super::super::fixtures::{self, edge, node};
    use super::*;
    use crate::canvas::geometry::{NODE_HEIGHT, NODE_WIDTH};

    fn scene() -> Scene {
        let nodes = vec![node("a", 0.0, 0.0), node("b", 400.0, 0.0), node("far", 5000.0, 5000.0)];
        let flow = fixtures::flow(nodes, vec![edge("ab", "a", "b"), edge("bfar", "b", "far")]);
        Scene::new(flow)
    }

    fn area(x: f64, y: f64, w: f64, h: f64) -> Bounds {
        Bounds { min: Point::new(x, y), max: Point::new(x + w, y + h) }
    }

    #[test]
    fn visible_finds_cards_and_the_edges_crossing_the_view() {
        let scene = scene();
        let (nodes, edges) = scene.visible(&area(-50.0, -50.0, 800.0, 200.0));
        assert_eq!(nodes, ["a", "b"]);
        assert_eq!(edges, ["ab", "bfar"], "the long edge starts in view");
        let (nodes, edges) = scene.visible(&area(2500.0, 2500.0, 100.0, 100.0));
        assert!(nodes.is_empty());
        assert_eq!(edges, ["bfar"], "and crosses the middle");
    }

    #[test]
    fn moves_update_the_index_and_report_the_edges_that_follow() {
        let mut scene = scene();
        let changes = scene
            .run(Command::Move { moves: vec![("far".into(), Position { x: 800.0, y: 0.0 })] })
            .unwrap();
        assert_eq!(changes.nodes, ["far"]);
        assert_eq!(changes.edges, ["bfar"]);
        assert!(!changes.structural);
        let (nodes, _) = scene.visible(&area(-50.0, -50.0, 1200.0, 200.0));
        assert_eq!(nodes, ["a", "b", "far"]);
        assert_eq!(scene.node_at(Point::new(810.0, 10.0)).as_deref(), Some("far"));
        assert!(scene.node_at(Point::new(5010.0, 5010.0)).is_none());

        let changes = scene.undo().unwrap();
        assert_eq!(changes.nodes, ["far"]);
        assert_eq!(scene.node_at(Point::new(5010.0, 5010.0)).as_deref(), Some("far"));
    }

    #[test]
    fn removal_and_its_undo_keep_the_index_exact() {
        let mut scene = scene();
        let changes =
            scene.run(Command::Remove { nodes: vec!["b".into()], edges: vec![] }).unwrap();
        assert!(changes.structural);
        assert_eq!(changes.nodes, ["b"]);
        let mut edges = changes.edges.clone();
        edges.sort();
        assert_eq!(edges, ["ab", "bfar"]);
        let everything = area(-10_000.0, -10_000.0, 20_000.0, 20_000.0);
        assert_eq!(scene.visible(&everything), (vec!["a".into(), "far".into()], vec![]));

        scene.undo().unwrap();
        let (mut nodes, mut edges) = scene.visible(&everything);
        nodes.sort();
        edges.sort();
        assert_eq!(nodes, ["a", "b", "far"]);
        assert_eq!(edges, ["ab", "bfar"]);
        scene.redo().unwrap();
        assert_eq!(scene.visible(&everything).1, Vec::<String>::new());
    }

    #[test]
    fn box_selection_and_bounds() {
        let scene = scene();
        assert_eq!(scene.nodes_in(&area(350.0, -10.0, 60.0, 20.0)), ["b"]);
        assert_eq!(scene.nodes_in(&area(-1.0, -1.0, 500.0, 10.0)), ["a", "b"]);
        let bounds = scene.bounds_of(&["a".to_owned(), "b".to_owned()]).unwrap();
        assert_eq!(bounds, area(0.0, 0.0, 400.0 + NODE_WIDTH, NODE_HEIGHT));
        assert_eq!(
            scene.bounds().unwrap().max,
            Point::new(5000.0 + NODE_WIDTH, 5000.0 + NODE_HEIGHT)
        );
    }

    #[test]
    fn the_index_matches_a_fresh_one_after_random_edits() {
        let mut scene = scene();
        let mut seed = 99u64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for step in 0..300 {
            let ids: Vec<String> = scene.flow().nodes.iter().map(|n| n.id.clone()).collect();
            let pick = |i: u64| ids[(i as usize) % ids.len().max(1)].clone();
            let command = match next(5) {
                0 => Command::Insert {
                    nodes: vec![(
                        None,
                        node(&format!("n{step}"), next(8000) as f64, next(8000) as f64),
                    )],
                    edges: if ids.is_empty() {
                        vec![]
                    } else {
                        vec![(
                            None,
                            edge(&format!("e{step}"), &pick(next(99)), &format!("n{step}")),
                        )]
                    },
                },
                1 if !ids.is_empty() => {
                    Command::Remove { nodes: vec![pick(next(99))], edges: vec![] }
                }
                2 if !ids.is_empty() => Command::Move {
                    moves: vec![(
                        pick(next(99)),
                        Position { x: next(8000) as f64, y: next(8000) as f64 },
                    )],
                },
                3 => {
                    scene.undo();
                    continue;
                }
                4 => {
                    scene.redo();
                    continue;
                }
                _ => continue,
            };
            scene.run(command).unwrap();
        }
        let fresh = Scene::new(scene.flow().clone());
        for _ in 0..40 {
            let view = area(next(9000) as f64 - 500.0, next(9000) as f64 - 500.0, 1500.0, 900.0);
            let (mut a, mut b) = scene.visible(&view);
            let (mut c, mut d) = fresh.visible(&view);
            a.sort();
            b.sort();
            c.sort();
            d.sort();
            assert_eq!((a, b), (c, d), "{view:?}");
        }
    }
}
