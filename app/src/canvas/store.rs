//! The canvas store: the scene (flow, history, spatial index) plus the reactive cells the view
//! draws from, the viewport and the selection.
//!
//! Every change to the flow goes through [`CanvasStore::run`] (or undo / redo), which applies a
//! named command to the scene and then updates only the cells of the nodes and edges it
//! touched. Each node has its own position and content signals, so dragging a node re-renders
//! that node and its edges, never the whole canvas; which nodes are in the DOM at all is decided
//! by a spatial query of the viewport, redone only when the view leaves the area last queried.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use compiler::{Diagnostic, Severity};
use flow_model::{Edge, FlowGraph, Node, Position};
use leptos::prelude::*;

use super::document::{Command, CommandError};
use super::geometry::{Bounds, Point};
use super::ids::IdGen;
use super::scene::{Changes, Scene};
use super::viewport::Viewport;

mod camera;

/// Free space left around the flow by "fit to view".
const FIT_MARGIN: f64 = 48.0;
/// Below this scale, labels and ports are not drawn.
pub const DETAIL_ZOOM: f64 = 0.45;

/// One node's reactive state: where it is (changes on every drag frame) and what it is (label,
/// kind, ports; changes on edits).
#[derive(Debug, Clone)]
pub struct NodeCell {
    pub pos: ArcRwSignal<Position>,
    pub node: ArcRwSignal<Arc<Node>>,
}

/// What is selected.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    pub nodes: HashSet<String>,
    pub edges: HashSet<String>,
}

impl Selection {
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.edges.is_empty()
    }

    pub fn nodes(ids: impl IntoIterator<Item = String>) -> Selection {
        Selection { nodes: ids.into_iter().collect(), edges: HashSet::new() }
    }
}

/// The nodes and edges currently in the DOM.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Visible {
    pub nodes: Vec<String>,
    pub edges: Vec<String>,
}

/// A message for the user about the last action (a refused connection, a failed paste, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
    /// A link after the text: (href, text).
    pub link: Option<(String, String)>,
    /// Distinguishes repeated identical notices, so each one is shown afresh.
    pub serial: u64,
}

/// Shared, cheaply copyable handle to the canvas state.
#[derive(Debug, Clone, Copy)]
pub struct CanvasStore {
    scene: StoredValue<Scene>,
    nodes: StoredValue<HashMap<String, NodeCell>>,
    edges: StoredValue<HashMap<String, ArcRwSignal<Arc<Edge>>>>,
    ids: StoredValue<IdGen>,
    /// The area the visible set was last looked up for, and the scale then.
    queried: StoredValue<Option<(Bounds, f64)>>,
    pub viewport: RwSignal<Viewport>,
    /// Canvas size in screen pixels (kept up to date on resize, never measured per frame).
    pub size: RwSignal<(f64, f64)>,
    pub selection: RwSignal<Selection>,
    pub visible: RwSignal<Visible>,
    /// Nodes being dragged: drawn, with their edges, in a layer of their own above the rest
    /// whatever the viewport (see `lifted`).
    pub pinned: RwSignal<Vec<String>>,
    /// What the drag layer draws: the pinned nodes and every edge touching them. They are
    /// left out of `visible`, so a drag repaints only this small layer.
    pub lifted: RwSignal<Visible>,
    /// Bumped by every change to the flow (for autosave, the minimap, counts, preview).
    pub revision: RwSignal<u64>,
    /// The worst diagnostic per node and edge id, from the last analysis (badges).
    pub problems: RwSignal<Arc<HashMap<String, Severity>>>,
    /// Every diagnostic of the last analysis (for the property panels).
    pub diagnostics: RwSignal<Arc<Vec<Diagnostic>>>,
    /// Whether undo and redo have a step to take.
    pub history: RwSignal<(bool, bool)>,
    /// The caller may only view this flow: every edit is refused with a notice.
    pub read_only: RwSignal<bool>,
    pub notice: RwSignal<Option<Notice>>,
    /// The node whose label is being edited in place.
    pub renaming: RwSignal<Option<String>>,
    /// The conditional edge whose condition is being edited in place.
    pub editing_condition: RwSignal<Option<String>>,
    /// The canvas element (holding the grid and the scene), for converting client coordinates.
    pub element: NodeRef<leptos::html::Div>,
    /// Where the pointer is over the canvas (client coordinates); `None` when it is elsewhere.
    pub pointer: StoredValue<Option<Point>>,
}

impl CanvasStore {
    pub fn new(flow: FlowGraph) -> Self {
        let store = Self {
            scene: StoredValue::new(Scene::new(flow)),
            nodes: StoredValue::new(HashMap::new()),
            edges: StoredValue::new(HashMap::new()),
            ids: StoredValue::new(crate::canvas::fresh_ids()),
            queried: StoredValue::new(None),
            viewport: RwSignal::new(Viewport::default()),
            size: RwSignal::new((1280.0, 720.0)),
            selection: RwSignal::new(Selection::default()),
            visible: RwSignal::new(Visible::default()),
            pinned: RwSignal::new(Vec::new()),
            lifted: RwSignal::new(Visible::default()),
            problems: RwSignal::new(Arc::new(HashMap::new())),
            diagnostics: RwSignal::new(Arc::new(Vec::new())),
            revision: RwSignal::new(0),
            history: RwSignal::new((false, false)),
            read_only: RwSignal::new(false),
            notice: RwSignal::new(None),
            renaming: RwSignal::new(None),
            editing_condition: RwSignal::new(None),
            element: NodeRef::new(),
            pointer: StoredValue::new(None),
        };
        store.build_cells();
        store.refresh_visible(true);
        store
    }

    // ----- reading -------------------------------------------------------------------------

    /// Reads the scene without tracking.
    pub fn with_scene<R>(&self, f: impl FnOnce(&Scene) -> R) -> R {
        self.scene.with_value(f)
    }

    /// Reads the flow document as it is now, without copying it.
    pub fn with_flow<R>(&self, f: impl FnOnce(&FlowGraph) -> R) -> R {
        self.scene.with_value(|s| f(s.flow()))
    }

    /// Replaces the diagnostics badges (only when they changed, so cards redraw only then).
    pub fn set_problems(&self, problems: HashMap<String, Severity>) {
        if self.problems.with_untracked(|p| **p != problems) {
            self.problems.set(Arc::new(problems));
        }
    }

    /// The worst diagnostic of a node or edge, if any (read reactively).
    pub fn problem(&self, id: &str) -> Option<Severity> {
        self.problems.with(|p| p.get(id).copied())
    }

    /// A copy of the flow document as it is now.
    pub fn flow(&self) -> FlowGraph {
        self.scene.with_value(|s| s.flow().clone())
    }

    pub fn node_cell(&self, id: &str) -> Option<NodeCell> {
        self.nodes.with_value(|cells| cells.get(id).cloned())
    }

    pub fn edge_cell(&self, id: &str) -> Option<ArcRwSignal<Arc<Edge>>> {
        self.edges.with_value(|cells| cells.get(id).cloned())
    }

    /// A fresh id with `prefix` that no node or edge of the flow uses.
    pub fn fresh_id(&self, prefix: &str) -> String {
        let scene = self.scene;
        self.ids
            .try_update_value(|ids| {
                scene.with_value(|s| {
                    ids.next(prefix, |id| s.node(id).is_some() || s.doc().edge(id).is_some())
                })
            })
            .unwrap_or_else(|| format!("{prefix}_0"))
    }

    /// The id generator, for commands built elsewhere (paste).
    pub fn with_ids<R>(&self, f: impl FnOnce(&mut IdGen, &Scene) -> R) -> Option<R> {
        let scene = self.scene;
        self.ids.try_update_value(|ids| scene.with_value(|s| f(ids, s)))
    }

    // ----- changing the flow ---------------------------------------------------------------

    /// Refuses (with a notice) when the flow is view-only for the caller.
    fn writable(&self) -> Result<(), CommandError> {
        if self.read_only.get_untracked() {
            self.notify(crate::canvas::document::READ_ONLY, true);
            return Err(CommandError::ReadOnly);
        }
        Ok(())
    }

    /// Runs `command` as one undo step and updates what it touched.
    pub fn run(&self, command: Command) -> Result<(), CommandError> {
        self.writable()?;
        let changes = self.scene.try_update_value(|s| s.run(command)).expect("scene is alive")?;
        self.after(changes);
        Ok(())
    }

    /// Runs `command`, merged into the previous step if that had the same `key`.
    pub fn run_merging(&self, command: Command, key: &str) -> Result<(), CommandError> {
        self.writable()?;
        let changes = self
            .scene
            .try_update_value(|s| s.run_merging(command, key))
            .expect("scene is alive")?;
        self.after(changes);
        Ok(())
    }

    /// Ends the run of merged edits, so the next edit is an undo step of its own (a field that
    /// gains focus starts a new edit).
    pub fn seal_history(&self) {
        self.scene.update_value(Scene::seal_history);
    }

    /// Takes back the edits merged under `key` since the field's edit began, leaving the flow
    /// as it was before them; false when there were none.
    pub fn revert_edit(&self, key: &str) -> bool {
        match self.scene.try_update_value(|s| s.revert_merging(key)).flatten() {
            Some(changes) => {
                self.after(changes);
                true
            }
            None => false,
        }
    }

    pub fn undo(&self) -> bool {
        if self.writable().is_err() {
            return false;
        }
        match self.scene.try_update_value(Scene::undo).flatten() {
            Some(changes) => {
                self.after(changes);
                true
            }
            None => false,
        }
    }

    pub fn redo(&self) -> bool {
        if self.writable().is_err() {
            return false;
        }
        match self.scene.try_update_value(Scene::redo).flatten() {
            Some(changes) => {
                self.after(changes);
                true
            }
            None => false,
        }
    }

    /// Replaces the whole flow (reload, draft restore), clearing history and selection.
    pub fn replace(&self, flow: FlowGraph) {
        self.scene.update_value(|s| s.replace(flow));
        self.selection.set(Selection::default());
        self.renaming.set(None);
        self.editing_condition.set(None);
        // Unmount every card first: the new cells must not be mistaken for the old ones.
        self.visible.set(Visible::default());
        self.build_cells();
        self.refresh_visible(true);
        self.history.set((false, false));
        self.revision.update(|r| *r += 1);
    }

    /// Changes fields outside the graph (name, id, version) without an undo step.
    pub fn update_meta(&self, f: impl FnOnce(&mut FlowGraph)) {
        self.scene.update_value(|s| s.update_meta(f));
        self.revision.update(|r| *r += 1);
    }

    fn after(&self, changes: Changes) {
        self.sync(&changes);
        if changes.structural {
            // Forget what no longer exists.
            let scene = self.scene;
            self.selection.update(|sel| {
                scene.with_value(|s| {
                    sel.nodes.retain(|id| s.node(id).is_some());
                    sel.edges.retain(|id| s.doc().edge(id).is_some());
                })
            });
        }
        self.refresh_visible(true);
        let state = self.scene.with_value(|s| (s.can_undo(), s.can_redo()));
        if self.history.get_untracked() != state {
            self.history.set(state);
        }
        self.revision.update(|r| *r += 1);
    }

    /// Makes the cells of the changed nodes and edges match the scene.
    fn sync(&self, changes: &Changes) {
        self.scene.with_value(|scene| {
            self.nodes.update_value(|cells| {
                for id in &changes.nodes {
                    match (scene.node(id), cells.get(id)) {
                        (Some(node), Some(cell)) => {
                            if cell.pos.get_untracked() != node.position {
                                cell.pos.set(node.position);
                            }
                            if **cell.node.read_untracked() != *node {
                                cell.node.set(Arc::new(node.clone()));
                            }
                        }
                        (Some(node), None) => {
                            cells.insert(id.clone(), NodeCell::of(node));
                        }
                        (None, _) => {
                            cells.remove(id);
                        }
                    }
                }
            });
            self.edges.update_value(|cells| {
                for id in &changes.edges {
                    match (scene.doc().edge(id), cells.get(id)) {
                        (Some(edge), Some(cell)) => {
                            if **cell.read_untracked() != *edge {
                                cell.set(Arc::new(edge.clone()));
                            }
                        }
                        (Some(edge), None) => {
                            cells.insert(id.clone(), ArcRwSignal::new(Arc::new(edge.clone())));
                        }
                        (None, _) => {
                            cells.remove(id);
                        }
                    }
                }
            });
        });
    }

    fn build_cells(&self) {
        let (nodes, edges) = self.scene.with_value(|scene| {
            let flow = scene.flow();
            let nodes: HashMap<String, NodeCell> =
                flow.nodes.iter().map(|n| (n.id.clone(), NodeCell::of(n))).collect();
            let edges: HashMap<String, ArcRwSignal<Arc<Edge>>> = flow
                .edges
                .iter()
                .map(|e| (e.id.clone(), ArcRwSignal::new(Arc::new(e.clone()))))
                .collect();
            (nodes, edges)
        });
        self.nodes.set_value(nodes);
        self.edges.set_value(edges);
    }

    // ----- drag previews -------------------------------------------------------------------

    /// Shows nodes at `positions` without changing the flow (a drag in progress); the drop
    /// commits one move command, [`CanvasStore::cancel_preview`] puts them back.
    pub fn preview_positions(&self, positions: &[(String, Position)]) {
        self.nodes.with_value(|cells| {
            for (id, at) in positions {
                if let Some(cell) = cells.get(id)
                    && cell.pos.get_untracked() != *at
                {
                    cell.pos.set(*at);
                }
            }
        });
    }

    /// Puts previewed nodes back where the flow has them.
    pub fn cancel_preview(&self, ids: &[String]) {
        let positions: Vec<(String, Position)> = self.scene.with_value(|s| {
            ids.iter().filter_map(|id| Some((id.clone(), s.node(id)?.position))).collect()
        });
        self.preview_positions(&positions);
    }

    // ----- selection and messages ----------------------------------------------------------

    pub fn select(&self, selection: Selection) {
        if self.selection.with_untracked(|s| *s != selection) {
            self.selection.set(selection);
        }
    }

    pub fn select_all(&self) {
        let all = self.scene.with_value(|s| s.flow().nodes.iter().map(|n| n.id.clone()).collect());
        self.select(Selection { nodes: all, edges: HashSet::new() });
    }

    /// Shows a message to the user.
    pub fn notify(&self, text: impl Into<String>, error: bool) {
        self.show(Notice { text: text.into(), error, link: None, serial: 0 });
    }

    /// Shows a message with a link after it (`href`, link text).
    pub fn notify_with_link(&self, text: impl Into<String>, href: String, link: String) {
        self.show(Notice { text: text.into(), error: false, link: Some((href, link)), serial: 0 });
    }

    fn show(&self, mut notice: Notice) {
        // Serials count up for the life of the page, across editors and faded notices, so
        // that a reader can always tell a new notice from the one before.
        static SHOWN: AtomicU64 = AtomicU64::new(0);
        notice.serial = SHOWN.fetch_add(1, Ordering::Relaxed) + 1;
        self.notice.set(Some(notice));
    }
}

impl NodeCell {
    fn of(node: &Node) -> NodeCell {
        NodeCell {
            pos: ArcRwSignal::new(node.position),
            node: ArcRwSignal::new(Arc::new(node.clone())),
        }
    }
}
