//! Editing actions: each builds one named command from the current selection or a gesture and
//! runs it on the store, so every action is exactly one undo step.

use std::collections::HashSet;

use flow_model::{Node, NodeKind, Position};
use leptos::prelude::*;
use serde_json::Value;

use super::clipboard::{self, Placement};
use super::connect::{self, PortRef, Refusal};
use super::document::{Command, FlowProperties};
use super::geometry::{self, Bounds, NODE_HEIGHT, NODE_WIDTH, Point, snap};
use super::layout;
use super::store::{CanvasStore, Selection};

/// How far one arrow key press nudges the selection, and with Shift.
pub const NUDGE: f64 = geometry::SNAP;
pub const NUDGE_FAR: f64 = geometry::SNAP * 4.0;

/// Horizontal distance from a node to a successor added from the keyboard.
const NEXT_GAP: f64 = layout::LAYER_GAP;

/// Which end of an edge is being moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Source,
    Target,
}

impl CanvasStore {
    /// Adds a node of `kind` with its top-left corner near `at` (snapped, and moved down clear
    /// of any card already there) and selects it.
    pub fn add_node_at(&self, kind: NodeKind, at: Point) -> Option<String> {
        let id = self.fresh_id("node");
        let at = self.free_spot(Point::new(snap(at.x), snap(at.y)));
        let position = Position { x: at.x, y: at.y };
        let node = Node::new(kind, id.clone(), position);
        self.insert_and_select(Command::Insert { nodes: vec![(None, node)], edges: vec![] }, &id)
    }

    /// Adds a node of `kind` from the palette without a pointer: right of the single selected
    /// node and connected from it when possible, else in the middle of the view; either way
    /// below any card already there.
    pub fn add_node(&self, kind: NodeKind) -> Option<String> {
        let selected: Vec<String> =
            self.selection.with_untracked(|s| s.nodes.iter().cloned().collect());
        let previous = match selected.as_slice() {
            [only] => self.with_scene(|s| s.node(only).cloned()),
            _ => None,
        };
        let id = self.fresh_id("node");
        let wanted = match &previous {
            Some(p) => Point::new(p.position.x + NODE_WIDTH + NEXT_GAP, p.position.y),
            None => {
                let c = self.view_centre();
                Point::new(snap(c.x - NODE_WIDTH / 2.0), snap(c.y - NODE_HEIGHT / 2.0))
            }
        };
        let at = self.free_spot(wanted);
        let node = Node::new(kind, id.clone(), Position { x: at.x, y: at.y });
        let mut edges = Vec::new();
        if let Some(previous) = &previous {
            let first_input = node.inputs.first().map(|p| p.id.clone());
            let free = self.with_scene(|s| connect::free_output(s.doc(), previous));
            if let (Some(input), Some(output)) = (first_input, free) {
                let edge_id = self.fresh_id("edge");
                let from = PortRef::new(previous.id.clone(), output);
                let to = PortRef::new(id.clone(), input);
                edges.push((None, connect::edge(edge_id, previous, &from, &to)));
            }
        }
        let command = Command::Insert { nodes: vec![(None, node)], edges };
        let created = self.insert_and_select(command, &id);
        self.reveal(&id);
        created
    }

    /// The first spot at or below `wanted` where a card overlaps no other card.
    fn free_spot(&self, wanted: Point) -> Point {
        let mut at = wanted;
        loop {
            let slot = Bounds {
                min: Point::new(at.x, at.y),
                max: Point::new(at.x + NODE_WIDTH, at.y + NODE_HEIGHT),
            };
            if self.with_scene(|s| s.nodes_in(&slot).is_empty()) {
                return at;
            }
            at.y += NODE_HEIGHT + layout::ROW_GAP;
        }
    }

    fn insert_and_select(&self, command: Command, id: &str) -> Option<String> {
        match self.run(command) {
            Ok(()) => {
                self.select(Selection::nodes([id.to_owned()]));
                Some(id.to_owned())
            }
            Err(e) => {
                self.notify(format!("Could not add the node: {e}"), true);
                None
            }
        }
    }

    /// Removes the selected nodes (with their edges) and edges.
    pub fn delete_selection(&self) -> bool {
        let selection = self.selection.get_untracked();
        if selection.is_empty() {
            return false;
        }
        let mut nodes: Vec<String> = selection.nodes.into_iter().collect();
        let mut edges: Vec<String> = selection.edges.into_iter().collect();
        nodes.sort();
        edges.sort();
        self.report(self.run(Command::Remove { nodes, edges }));
        self.select(Selection::default());
        true
    }

    /// Copies the selected nodes and shifts the copies so both stay visible; selects them.
    pub fn duplicate_selection(&self) {
        let Some(text) = self.copy_selection() else { return };
        self.paste_text(&text, Some(Placement::Offset));
    }

    /// The selection as FlowGraph JSON, `None` when no node is selected.
    pub fn copy_selection(&self) -> Option<String> {
        let ids = self.selection.with_untracked(|s| s.nodes.clone());
        self.with_scene(|s| clipboard::copy(s.doc(), &ids))
    }

    /// Pastes FlowGraph JSON: at the pointer when it is over the canvas, else beside the
    /// originals when they are in view, else in the middle of the view; always clear of every
    /// card already there. Errors are shown to the user.
    pub fn paste_text(&self, text: &str, placement: Option<Placement>) {
        let (nodes, edges) = match clipboard::parse(text) {
            Ok(parsed) => parsed,
            Err(e) => {
                self.notify(e.to_string(), true);
                return;
            }
        };
        let pointer = self.pointer.get_value().map(|at| self.to_flow(at.x, at.y));
        let placement = placement.or(pointer.map(Placement::CentredAt)).unwrap_or_else(|| {
            let view = self.view_area();
            let originals_in_view = nodes.iter().all(|n| {
                self.with_scene(|s| {
                    s.node(&n.id).is_some_and(|o| view.contains(&geometry::card(o)))
                })
            });
            if originals_in_view { Placement::Offset } else { Placement::CentredAt(view.centre()) }
        });
        let count = nodes.len();
        let built = self.with_ids(|ids, scene| {
            let occupied = |area: &Bounds| !scene.nodes_in(area).is_empty();
            clipboard::insert(scene.doc(), ids, nodes, edges, placement, &occupied)
        });
        let Some((command, created)) = built else { return };
        match self.run(command) {
            Ok(()) => {
                self.select(Selection::nodes(created));
                self.notify(
                    format!("Pasted {count} node{}", if count == 1 { "" } else { "s" }),
                    false,
                );
            }
            Err(e) => self.notify(format!("Could not paste: {e}"), true),
        }
    }

    /// Moves the selection by a flow-space delta; repeated nudges of the same selection are one
    /// undo step.
    pub fn nudge(&self, dx: f64, dy: f64) {
        let ids: Vec<String> = self.selection.with_untracked(|s| {
            let mut ids: Vec<String> = s.nodes.iter().cloned().collect();
            ids.sort();
            ids
        });
        if ids.is_empty() {
            return;
        }
        let moves: Vec<(String, Position)> = self.with_scene(|s| {
            ids.iter()
                .filter_map(|id| {
                    let p = s.node(id)?.position;
                    Some((id.clone(), Position { x: p.x + dx, y: p.y + dy }))
                })
                .collect()
        });
        let key = format!("nudge:{}", ids.join(","));
        self.report(self.run_merging(Command::Move { moves }, &key));
    }

    /// Commits a drag: one move step.
    pub fn move_nodes(&self, moves: Vec<(String, Position)>) {
        let changed = self.with_scene(|s| {
            moves.iter().any(|(id, at)| s.node(id).is_some_and(|n| n.position != *at))
        });
        if changed {
            self.report(self.run(Command::Move { moves }));
        }
    }

    /// Lays the whole flow out left to right, as one step.
    pub fn tidy_up(&self) {
        let moves = self.with_scene(|s| layout::tidy(s.flow()));
        if moves.is_empty() {
            return;
        }
        self.move_nodes(moves);
        self.fit_to_view();
    }

    pub fn rename(&self, id: &str, label: &str) {
        let label = label.trim();
        let unchanged = self.with_scene(|s| s.node(id).is_none_or(|n| n.label == label));
        if label.is_empty() || unchanged {
            return;
        }
        self.report(self.run(Command::Rename { id: id.to_owned(), label: label.to_owned() }));
    }

    /// Renames a node as its label is typed: the keystrokes of one edit are one undo step.
    pub fn rename_typing(&self, id: &str, label: &str) {
        let label = label.trim();
        if label.is_empty() || self.with_scene(|s| s.node(id).is_none_or(|n| n.label == label)) {
            return;
        }
        let command = Command::Rename { id: id.to_owned(), label: label.to_owned() };
        self.report(self.run_merging(command, &label_edit_key(id)));
    }

    /// Sets a node's whole config.
    pub fn configure(&self, id: &str, config: serde_json::Map<String, Value>) {
        self.report(self.run(Command::Configure { id: id.to_owned(), config }));
    }

    /// Sets (or with `None` removes) one config field of a node. Successive edits of the same
    /// field (typing) are one undo step.
    pub fn set_config_field(&self, id: &str, key: &str, value: Option<Value>) {
        let Some(mut config) = self.with_scene(|s| s.node(id).map(|n| n.config.clone())) else {
            return;
        };
        if config.get(key) == value.as_ref() {
            return;
        }
        match value {
            Some(value) => {
                config.insert(key.to_owned(), value);
            }
            None => {
                config.remove(key);
            }
        }
        let command = Command::Configure { id: id.to_owned(), config };
        self.report(self.run_merging(command, &config_edit_key(id, key)));
    }

    /// Replaces a node's ports as one step. Edges on a port renamed in `renames` (output?, old
    /// id, new id) follow it; edges on a port that is gone stay, dangling, so the canvas shows
    /// them broken until they are reconnected or deleted.
    pub fn set_ports(
        &self,
        id: &str,
        inputs: Vec<flow_model::Port>,
        outputs: Vec<flow_model::Port>,
        renames: &[(bool, String, String)],
    ) {
        let renamed = |output: bool, port: &str| {
            renames
                .iter()
                .find(|(o, old, _)| *o == output && old == port)
                .map(|(_, _, new)| new.clone())
        };
        let mut commands = vec![Command::Ports { id: id.to_owned(), inputs, outputs }];
        self.with_scene(|s| {
            for edge in s.doc().edges_of(id) {
                let mut changed = edge.clone();
                if edge.source.node == id
                    && let Some(port) = renamed(true, &edge.source.port)
                {
                    changed.source.port = port;
                }
                if edge.target.node == id
                    && let Some(port) = renamed(false, &edge.target.port)
                {
                    changed.target.port = port;
                }
                if changed != *edge {
                    let edge = Box::new(changed);
                    commands.push(Command::ReplaceEdge { id: edge.id.clone(), edge });
                }
            }
        });
        let command =
            if commands.len() == 1 { commands.remove(0) } else { Command::Batch(commands) };
        self.report(self.run(command));
    }

    /// Replaces the flow's properties (name, description, target, config). Successive edits
    /// with the same `key` (typing in one field) are one undo step.
    pub fn set_flow_properties(&self, properties: FlowProperties, key: &str) {
        if self.with_flow(|f| FlowProperties::of(f) == properties) {
            return;
        }
        self.report(self.run_merging(Command::Flow(Box::new(properties)), &flow_edit_key(key)));
    }

    /// Sets the condition of a conditional edge.
    pub fn set_condition(&self, edge_id: &str, condition: &str) {
        let condition = condition.trim();
        let Some(mut edge) = self.with_scene(|s| s.doc().edge(edge_id).cloned()) else { return };
        if condition.is_empty() {
            self.notify("A conditional edge needs a condition; it was left as it was.", true);
            return;
        }
        if edge.condition.as_deref() == Some(condition) {
            return;
        }
        edge.condition = Some(condition.to_owned());
        self.report(
            self.run(Command::ReplaceEdge { id: edge_id.to_owned(), edge: Box::new(edge) }),
        );
    }

    /// Connects output `from` to input `to`; returns the new edge's id.
    pub fn connect(&self, from: &PortRef, to: &PortRef) -> Result<String, Refusal> {
        self.with_scene(|s| connect::check(s.doc(), from, to, None))?;
        let source = self.with_scene(|s| s.node(&from.node).cloned()).ok_or(Refusal::Gone)?;
        let id = self.fresh_id("edge");
        let edge = connect::edge(id.clone(), &source, from, to);
        self.run(Command::Insert { nodes: vec![], edges: vec![(None, edge)] })
            .map_err(|_| Refusal::Gone)?;
        Ok(id)
    }

    /// Moves one end of an edge to another port.
    pub fn reconnect(&self, edge_id: &str, end: End, port: &PortRef) -> Result<(), Refusal> {
        let mut edge = self.with_scene(|s| s.doc().edge(edge_id).cloned()).ok_or(Refusal::Gone)?;
        let (from, to) = match end {
            End::Source => {
                (port.clone(), PortRef::new(edge.target.node.clone(), edge.target.port.clone()))
            }
            End::Target => {
                (PortRef::new(edge.source.node.clone(), edge.source.port.clone()), port.clone())
            }
        };
        self.with_scene(|s| connect::check(s.doc(), &from, &to, Some(edge_id)))?;
        if from.node == edge.source.node
            && from.port == edge.source.port
            && to.node == edge.target.node
            && to.port == edge.target.port
        {
            return Ok(());
        }
        let source = self.with_scene(|s| s.node(&from.node).cloned()).ok_or(Refusal::Gone)?;
        let kind = connect::kind_for(&source, &from.port);
        if kind != edge.kind {
            edge.condition = match kind {
                flow_model::EdgeKind::Conditional => {
                    edge.condition.or_else(|| Some(connect::DEFAULT_CONDITION.to_owned()))
                }
                _ => None,
            };
            edge.kind = kind;
        }
        edge.source.node = from.node;
        edge.source.port = from.port;
        edge.target.node = to.node;
        edge.target.port = to.port;
        self.run(Command::ReplaceEdge { id: edge_id.to_owned(), edge: Box::new(edge) })
            .map_err(|_| Refusal::Gone)
    }

    /// Connects the two selected nodes, left to right (the keyboard way to draw an edge).
    pub fn connect_selected(&self) {
        let ids: Vec<String> = self.selection.with_untracked(|s| s.nodes.iter().cloned().collect());
        let [a, b] = ids.as_slice() else {
            self.notify("Select exactly two nodes to connect them (Shift+click).", true);
            return;
        };
        let Some((left, right)) = self.with_scene(|s| {
            let (na, nb) = (s.node(a)?, s.node(b)?);
            Some(if (na.position.x, na.position.y) <= (nb.position.x, nb.position.y) {
                (na.clone(), nb.clone())
            } else {
                (nb.clone(), na.clone())
            })
        }) else {
            return;
        };
        let output = self.with_scene(|s| connect::free_output(s.doc(), &left));
        let (Some(output), Some(input)) = (output, right.inputs.first()) else {
            let reason = if left.outputs.is_empty() {
                format!("'{}' has no output.", left.label)
            } else {
                format!("'{}' has no input.", right.label)
            };
            self.notify(reason, true);
            return;
        };
        let from = PortRef::new(left.id.clone(), output);
        let to = PortRef::new(right.id.clone(), input.id.clone());
        match self.connect(&from, &to) {
            Ok(_) => self.notify(format!("Connected '{}' to '{}'", left.label, right.label), false),
            Err(refusal) => self.notify(refusal.to_string(), true),
        }
    }

    /// Selects the nodes whose cards intersect `area`, added to `base`.
    pub fn select_area(&self, area: &Bounds, base: &Selection) {
        let inside = self.with_scene(|s| s.nodes_in(area));
        let mut selection = base.clone();
        selection.nodes.extend(inside);
        self.select(selection);
    }

    /// Adds or removes a node from the selection.
    pub fn toggle_selected(&self, id: &str) {
        let mut selection = self.selection.get_untracked();
        if !selection.nodes.remove(id) {
            selection.nodes.insert(id.to_owned());
        }
        self.select(selection);
    }

    /// Adds or removes an edge from the selection (`extend`), or selects only it.
    pub fn select_edge(&self, id: &str, extend: bool) {
        let mut selection =
            if extend { self.selection.get_untracked() } else { Selection::default() };
        if !selection.edges.remove(id) || !extend {
            selection.edges.insert(id.to_owned());
        }
        self.select(selection);
    }

    fn report<E: std::fmt::Display>(&self, result: Result<(), E>) {
        if let Err(e) = result {
            self.notify(e.to_string(), true);
        }
    }
}

/// The undo merge key of edits to a node's label.
pub fn label_edit_key(node: &str) -> String {
    format!("label:{node}")
}

/// The undo merge key of edits to one config field of a node.
pub fn config_edit_key(node: &str, key: &str) -> String {
    format!("config:{node}:{key}")
}

/// The undo merge key of edits to the flow's properties under `key`.
pub fn flow_edit_key(key: &str) -> String {
    format!("flow:{key}")
}

/// Where each dragged node goes: the first one's new corner snapped to the grid (unless
/// `free`), the others keeping their offsets from it.
pub fn drag_positions(
    origin: &[(String, Position)],
    dx: f64,
    dy: f64,
    free: bool,
) -> Vec<(String, Position)> {
    let Some((_, lead)) = origin.first() else { return Vec::new() };
    let (mut sx, mut sy) = (dx, dy);
    if !free {
        sx = snap(lead.x + dx) - lead.x;
        sy = snap(lead.y + dy) - lead.y;
    }
    origin.iter().map(|(id, p)| (id.clone(), Position { x: p.x + sx, y: p.y + sy })).collect()
}

/// The ids in `set`, in a stable order.
pub fn sorted(set: &HashSet<String>) -> Vec<String> {
    let mut ids: Vec<String> = set.iter().cloned().collect();
    ids.sort();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drags_snap_the_lead_and_keep_the_group_shape() {
        let origin = vec![
            ("a".to_owned(), Position { x: 100.0, y: 50.0 }),
            ("b".to_owned(), Position { x: 333.0, y: 70.0 }),
        ];
        let moved = drag_positions(&origin, 10.0, 3.0, false);
        assert_eq!(moved[0].1, Position { x: 112.0, y: 48.0 });
        assert_eq!(moved[1].1, Position { x: 345.0, y: 68.0 }, "same offset as the lead");
        let free = drag_positions(&origin, 10.0, 3.0, true);
        assert_eq!(free[0].1, Position { x: 110.0, y: 53.0 });
    }
}
