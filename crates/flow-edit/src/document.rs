//! The flow being edited, and the named commands that are the only way to change it.
//!
//! Every command applied returns its inverse, which is what undo applies; redo applies the
//! original again. Collaborative editing replays the same commands, so each one names its
//! targets by id and carries everything it needs (no reference to editor state), and each one
//! is serialisable (see [`Command`] for its JSON form) to travel over a socket and be applied
//! by the server with this same code.

use std::collections::HashMap;

use flow_model::{Edge, FlowConfig, FlowGraph, Metadata, Node, Port, Position};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::pairs;

/// A change to the document.
///
/// In JSON a command is `{"op": <name>, "args": {...}}` with the variant's name in snake case
/// and its fields as the arguments (`{"op": "rename", "args": {"id": "n1", "label": "Triage"}}`;
/// `flow` and `batch` take the properties object and the list of commands). Nodes and edges
/// are FlowGraph v2 JSON; an insertion's nodes are `{"index": 3, "node": {...}}` (`index`
/// left out to append), moves are `{"id": "n1", "position": {"x": 0, "y": 0}}`. Nothing in a
/// command read from outside is trusted: [`Document::apply`] refuses what would not apply
/// whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", content = "args", rename_all = "snake_case")]
pub enum Command {
    /// Adds nodes and edges (palette drops, paste, duplicate, undoing a removal). Each node is
    /// inserted at its index when given (so an undone removal restores document order), else
    /// appended.
    Insert {
        #[serde(with = "pairs::placed_nodes")]
        nodes: Vec<(Option<usize>, Node)>,
        #[serde(with = "pairs::placed_edges")]
        edges: Vec<(Option<usize>, Edge)>,
    },
    /// Removes nodes (and every edge touching them) and edges.
    Remove { nodes: Vec<String>, edges: Vec<String> },
    /// Moves nodes to new positions.
    Move {
        #[serde(with = "pairs::moves")]
        moves: Vec<(String, Position)>,
    },
    /// Replaces an edge (reconnecting an end, editing its condition or kind).
    ReplaceEdge { id: String, edge: Box<Edge> },
    /// Renames a node.
    Rename { id: String, label: String },
    /// Replaces a node's config.
    Configure { id: String, config: Map<String, Value> },
    /// Replaces a node's ports (edges are re-linked by the same step, in a batch).
    Ports { id: String, inputs: Vec<Port>, outputs: Vec<Port> },
    /// Replaces the flow's properties outside the graph.
    Flow(Box<FlowProperties>),
    /// Several commands as one step (tidy-up, moving with edges, ...).
    Batch(Vec<Command>),
}

impl Command {
    /// Adds the ids of the nodes and edges this command names to `nodes` and `edges`. Applied
    /// to both a command and its inverse, this covers everything a step changed (the inverse of
    /// a node removal names the edges that went with it).
    pub fn targets(&self, nodes: &mut Vec<String>, edges: &mut Vec<String>) {
        match self {
            Command::Insert { nodes: n, edges: e } => {
                nodes.extend(n.iter().map(|(_, node)| node.id.clone()));
                edges.extend(e.iter().map(|(_, edge)| edge.id.clone()));
            }
            Command::Remove { nodes: n, edges: e } => {
                nodes.extend(n.iter().cloned());
                edges.extend(e.iter().cloned());
            }
            Command::Move { moves } => nodes.extend(moves.iter().map(|(id, _)| id.clone())),
            Command::ReplaceEdge { id, edge } => {
                edges.push(id.clone());
                if edge.id != *id {
                    edges.push(edge.id.clone());
                }
            }
            Command::Rename { id, .. }
            | Command::Configure { id, .. }
            | Command::Ports { id, .. } => nodes.push(id.clone()),
            Command::Flow(_) => {}
            Command::Batch(commands) => commands.iter().for_each(|c| c.targets(nodes, edges)),
        }
    }

    /// Whether the command adds or removes nodes or edges, or re-links an edge.
    pub fn is_structural(&self) -> bool {
        match self {
            Command::Insert { .. } | Command::Remove { .. } | Command::ReplaceEdge { .. } => true,
            Command::Move { .. }
            | Command::Rename { .. }
            | Command::Configure { .. }
            | Command::Ports { .. }
            | Command::Flow(_) => false,
            Command::Batch(commands) => commands.iter().any(Command::is_structural),
        }
    }
}

/// The flow-level fields the properties panel edits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowProperties {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaicore_target: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<FlowConfig>,
}

impl FlowProperties {
    pub fn of(flow: &FlowGraph) -> FlowProperties {
        FlowProperties {
            name: flow.name.clone(),
            description: flow.metadata.as_ref().and_then(|m| m.description.clone()),
            scaicore_target: flow.scaicore_target.clone(),
            config: flow.config.clone(),
        }
    }

    /// The flow's config, or an empty one to edit.
    pub fn config(&self) -> FlowConfig {
        self.config.clone().unwrap_or_default()
    }
}

/// Why a command could not be applied; the document is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("there is no node '{0}'")]
    NoNode(String),
    #[error("there is no edge '{0}'")]
    NoEdge(String),
    #[error("the id '{0}' is already used")]
    Taken(String),
    #[error("edge '{edge}' refers to a node that does not exist: '{node}'")]
    Dangling { edge: String, node: String },
    #[error("{READ_ONLY}")]
    ReadOnly,
}

/// Why an edit of a view-only flow does nothing.
pub const READ_ONLY: &str = "You have view access to this flow: it cannot be changed here. Ask its owner or an admin for edit access.";

/// The document with an id index, so commands find their targets without scanning.
#[derive(Debug, Clone)]
pub struct Document {
    flow: FlowGraph,
    nodes: HashMap<String, usize>,
    edges: HashMap<String, usize>,
    /// Indexes of the edges touching each node (as source or target).
    touching: HashMap<String, Vec<usize>>,
}

impl Document {
    pub fn new(flow: FlowGraph) -> Document {
        let mut document = Document {
            flow,
            nodes: HashMap::new(),
            edges: HashMap::new(),
            touching: HashMap::new(),
        };
        document.reindex();
        document
    }

    pub fn flow(&self) -> &FlowGraph {
        &self.flow
    }

    pub fn into_flow(self) -> FlowGraph {
        self.flow
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.get(id).map(|&i| &self.flow.nodes[i])
    }

    /// The node's position in the document's node list.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.nodes.get(id).copied()
    }

    /// Changes the document's fields outside the graph (id, name, version, metadata, config):
    /// not undoable steps. `f` sees the flow without its nodes and edges, which it cannot change.
    pub fn update_meta(&mut self, f: impl FnOnce(&mut FlowGraph)) {
        let nodes = std::mem::take(&mut self.flow.nodes);
        let edges = std::mem::take(&mut self.flow.edges);
        f(&mut self.flow);
        self.flow.nodes = nodes;
        self.flow.edges = edges;
    }

    pub fn edge(&self, id: &str) -> Option<&Edge> {
        self.edges.get(id).map(|&i| &self.flow.edges[i])
    }

    /// Edges touching `node`, in document order.
    pub fn edges_of<'a>(&'a self, node: &str) -> impl Iterator<Item = &'a Edge> + 'a {
        let indexes = self.touching.get(node).map(Vec::as_slice).unwrap_or_default();
        indexes.iter().map(|&i| &self.flow.edges[i])
    }

    fn reindex(&mut self) {
        self.nodes = self.flow.nodes.iter().enumerate().map(|(i, n)| (n.id.clone(), i)).collect();
        self.edges = self.flow.edges.iter().enumerate().map(|(i, e)| (e.id.clone(), i)).collect();
        self.touching.clear();
        for (i, edge) in self.flow.edges.iter().enumerate() {
            self.touching.entry(edge.source.node.clone()).or_default().push(i);
            if edge.target.node != edge.source.node {
                self.touching.entry(edge.target.node.clone()).or_default().push(i);
            }
        }
    }

    /// Applies `command` and returns the command that undoes it. On error nothing changed.
    pub fn apply(&mut self, command: &Command) -> Result<Command, CommandError> {
        self.check(command)?;
        Ok(self.apply_checked(command))
    }

    /// Refuses commands that could not be applied whole.
    fn check(&self, command: &Command) -> Result<(), CommandError> {
        match command {
            Command::Insert { nodes, edges } => {
                let mut new_nodes = Vec::new();
                for (_, node) in nodes {
                    if self.nodes.contains_key(&node.id) || new_nodes.contains(&node.id.as_str()) {
                        return Err(CommandError::Taken(node.id.clone()));
                    }
                    new_nodes.push(node.id.as_str());
                }
                let mut new_edges = Vec::new();
                for (_, edge) in edges {
                    if self.edges.contains_key(&edge.id) || new_edges.contains(&edge.id.as_str()) {
                        return Err(CommandError::Taken(edge.id.clone()));
                    }
                    new_edges.push(edge.id.as_str());
                    for end in [&edge.source.node, &edge.target.node] {
                        if !self.nodes.contains_key(end) && !new_nodes.contains(&end.as_str()) {
                            return Err(CommandError::Dangling {
                                edge: edge.id.clone(),
                                node: end.clone(),
                            });
                        }
                    }
                }
                Ok(())
            }
            Command::Remove { nodes, edges } => {
                for id in nodes {
                    self.nodes.get(id).ok_or_else(|| CommandError::NoNode(id.clone()))?;
                }
                for id in edges {
                    self.edges.get(id).ok_or_else(|| CommandError::NoEdge(id.clone()))?;
                }
                Ok(())
            }
            Command::Move { moves } => {
                for (id, _) in moves {
                    self.nodes.get(id).ok_or_else(|| CommandError::NoNode(id.clone()))?;
                }
                Ok(())
            }
            Command::ReplaceEdge { id, edge } => {
                self.edges.get(id).ok_or_else(|| CommandError::NoEdge(id.clone()))?;
                if edge.id != *id && self.edges.contains_key(&edge.id) {
                    return Err(CommandError::Taken(edge.id.clone()));
                }
                for end in [&edge.source.node, &edge.target.node] {
                    if !self.nodes.contains_key(end) {
                        return Err(CommandError::Dangling {
                            edge: edge.id.clone(),
                            node: end.clone(),
                        });
                    }
                }
                Ok(())
            }
            Command::Rename { id, .. }
            | Command::Configure { id, .. }
            | Command::Ports { id, .. } => {
                self.nodes.get(id).map(drop).ok_or_else(|| CommandError::NoNode(id.clone()))
            }
            Command::Flow(_) => Ok(()),
            Command::Batch(commands) => {
                // Later commands may depend on earlier ones: check on a scratch copy.
                let mut scratch = self.clone();
                for c in commands {
                    scratch.apply(c)?;
                }
                Ok(())
            }
        }
    }

    fn apply_checked(&mut self, command: &Command) -> Command {
        match command {
            Command::Insert { nodes, edges } => {
                let mut sorted_nodes: Vec<&(Option<usize>, Node)> = nodes.iter().collect();
                sorted_nodes.sort_by_key(|(at, _)| at.unwrap_or(usize::MAX));
                for (at, node) in sorted_nodes {
                    let at = at.unwrap_or(usize::MAX).min(self.flow.nodes.len());
                    self.flow.nodes.insert(at, node.clone());
                }
                let mut sorted_edges: Vec<&(Option<usize>, Edge)> = edges.iter().collect();
                sorted_edges.sort_by_key(|(at, _)| at.unwrap_or(usize::MAX));
                for (at, edge) in sorted_edges {
                    let at = at.unwrap_or(usize::MAX).min(self.flow.edges.len());
                    self.flow.edges.insert(at, edge.clone());
                }
                self.reindex();
                Command::Remove {
                    nodes: nodes.iter().map(|(_, n)| n.id.clone()).collect(),
                    edges: edges.iter().map(|(_, e)| e.id.clone()).collect(),
                }
            }
            Command::Remove { nodes, edges } => {
                let removed_nodes: std::collections::HashSet<&str> =
                    nodes.iter().map(String::as_str).collect();
                let removed_edges: std::collections::HashSet<&str> =
                    edges.iter().map(String::as_str).collect();
                let mut gone_edges = Vec::new();
                let mut kept_edges = Vec::with_capacity(self.flow.edges.len());
                for (i, edge) in std::mem::take(&mut self.flow.edges).into_iter().enumerate() {
                    let touches = removed_nodes.contains(edge.source.node.as_str())
                        || removed_nodes.contains(edge.target.node.as_str());
                    if touches || removed_edges.contains(edge.id.as_str()) {
                        gone_edges.push((Some(i), edge));
                    } else {
                        kept_edges.push(edge);
                    }
                }
                self.flow.edges = kept_edges;
                let mut gone_nodes = Vec::new();
                let mut kept_nodes = Vec::with_capacity(self.flow.nodes.len());
                for (i, node) in std::mem::take(&mut self.flow.nodes).into_iter().enumerate() {
                    if removed_nodes.contains(node.id.as_str()) {
                        gone_nodes.push((Some(i), node));
                    } else {
                        kept_nodes.push(node);
                    }
                }
                self.flow.nodes = kept_nodes;
                self.reindex();
                Command::Insert { nodes: gone_nodes, edges: gone_edges }
            }
            Command::Move { moves } => {
                let mut back = Vec::with_capacity(moves.len());
                for (id, to) in moves {
                    let i = self.nodes[id];
                    back.push((id.clone(), self.flow.nodes[i].position));
                    self.flow.nodes[i].position = *to;
                }
                Command::Move { moves: back }
            }
            Command::ReplaceEdge { id, edge } => {
                let i = self.edges[id];
                let before = std::mem::replace(&mut self.flow.edges[i], (**edge).clone());
                self.reindex();
                Command::ReplaceEdge { id: edge.id.clone(), edge: Box::new(before) }
            }
            Command::Rename { id, label } => {
                let i = self.nodes[id];
                let before = std::mem::replace(&mut self.flow.nodes[i].label, label.clone());
                Command::Rename { id: id.clone(), label: before }
            }
            Command::Configure { id, config } => {
                let i = self.nodes[id];
                let before = std::mem::replace(&mut self.flow.nodes[i].config, config.clone());
                Command::Configure { id: id.clone(), config: before }
            }
            Command::Ports { id, inputs, outputs } => {
                let node = &mut self.flow.nodes[self.nodes[id]];
                let inputs = std::mem::replace(&mut node.inputs, inputs.clone());
                let outputs = std::mem::replace(&mut node.outputs, outputs.clone());
                Command::Ports { id: id.clone(), inputs, outputs }
            }
            Command::Flow(properties) => {
                let before = FlowProperties::of(&self.flow);
                let FlowProperties { name, description, scaicore_target, config } =
                    (**properties).clone();
                self.flow.name = name;
                self.flow.scaicore_target = scaicore_target;
                self.flow.config = config;
                match (&mut self.flow.metadata, description) {
                    (Some(metadata), description) => metadata.description = description,
                    (None, Some(description)) => {
                        self.flow.metadata =
                            Some(Metadata { description: Some(description), ..Metadata::default() })
                    }
                    (None, None) => {}
                }
                Command::Flow(Box::new(before))
            }
            Command::Batch(commands) => {
                let mut inverses: Vec<Command> =
                    commands.iter().map(|c| self.apply_checked(c)).collect();
                inverses.reverse();
                Command::Batch(inverses)
            }
        }
    }
}

/// Undo and redo: a stack of (command, inverse) steps.
#[derive(Debug, Default)]
pub struct History {
    undo: Vec<(Command, Command)>,
    redo: Vec<(Command, Command)>,
    /// The merge key of the newest undo step, if it was run with one.
    merge_key: Option<String>,
}

/// How many steps are kept.
const HISTORY_LIMIT: usize = 500;

impl History {
    /// Applies `command` to `document` as a new step (clearing redo).
    /// Returns the inverse that was recorded.
    pub fn run(
        &mut self,
        document: &mut Document,
        command: Command,
    ) -> Result<Command, CommandError> {
        let inverse = document.apply(&command)?;
        self.redo.clear();
        self.merge_key = None;
        self.undo.push((command, inverse.clone()));
        if self.undo.len() > HISTORY_LIMIT {
            self.undo.remove(0);
        }
        Ok(inverse)
    }

    /// Like [`History::run`], but when the newest step was run with the same `key`, the two
    /// become one step (a burst of arrow-key nudges undoes at once). Only for commands that set
    /// absolute values (moves, renames, configs), where the later one subsumes the earlier.
    pub fn run_merging(
        &mut self,
        document: &mut Document,
        command: Command,
        key: &str,
    ) -> Result<Command, CommandError> {
        if self.merge_key.as_deref() == Some(key) && self.redo.is_empty() {
            let inverse = document.apply(&command)?;
            if let Some(step) = self.undo.last_mut() {
                step.0 = command;
                // Typed back to where the step began: there is nothing left to undo.
                if step.0 == step.1 {
                    self.undo.pop();
                    self.merge_key = None;
                }
            }
            return Ok(inverse);
        }
        let inverse = self.run(document, command)?;
        self.merge_key = Some(key.to_owned());
        Ok(inverse)
    }

    /// Ends the run of merged steps: the next edit is a step of its own, whatever its key (a
    /// field gaining focus starts a new edit).
    pub fn seal(&mut self) {
        self.merge_key = None;
    }

    /// Takes back the run of edits merged under `key` (an input the field then refused), as if
    /// it had never happened: the document returns to where the step began, and neither undo
    /// nor redo keeps it. Returns the step taken back, or `None` when the newest step is not
    /// one of `key`'s.
    pub fn revert_merging(
        &mut self,
        document: &mut Document,
        key: &str,
    ) -> Option<(Command, Command)> {
        if self.merge_key.as_deref() != Some(key) {
            return None;
        }
        self.merge_key = None;
        let (command, inverse) = self.undo.pop()?;
        match document.apply(&inverse) {
            Ok(_) => Some((command, inverse)),
            Err(_) => {
                self.clear();
                None
            }
        }
    }

    /// Undoes the last step; returns the step (command, inverse) or `None` when there is none.
    pub fn undo(&mut self, document: &mut Document) -> Option<(Command, Command)> {
        self.merge_key = None;
        let (command, inverse) = self.undo.pop()?;
        match document.apply(&inverse) {
            Ok(_) => {
                self.redo.push((command.clone(), inverse.clone()));
                Some((command, inverse))
            }
            // Only reachable if the document was changed behind the history's back.
            Err(_) => {
                self.clear();
                None
            }
        }
    }

    /// Redoes the last undone step; returns it, or `None` when there is none.
    pub fn redo(&mut self, document: &mut Document) -> Option<(Command, Command)> {
        self.merge_key = None;
        let (command, _) = self.redo.pop()?;
        match document.apply(&command) {
            Ok(inverse) => {
                self.undo.push((command.clone(), inverse.clone()));
                Some((command, inverse))
            }
            Err(_) => {
                self.clear();
                None
            }
        }
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Forgets every step (e.g. when a draft replaces the document).
    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
        self.merge_key = None;
    }
}

#[cfg(test)]
mod tests;
