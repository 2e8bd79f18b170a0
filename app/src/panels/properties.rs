//! The properties panel beside the canvas: the selected node's configuration, ports and
//! diagnostics, or, with nothing selected, the flow's own properties (model registry, ScaiQueue
//! topology, sandbox capability, publishing).
//!
//! Node forms are not written per kind: they are built from the field descriptions in
//! `flow_model::form`. Every edit is a command on the canvas store, so it is undoable and the
//! live preview follows it.

mod controls;
mod edit;
mod fields;
mod flow;
mod hitl;
mod lookups;
mod ports;

use compiler::Diagnostic;
use flow_model::{NodeKind, form};
use leptos::prelude::*;

use crate::canvas::CanvasStore;
use crate::diagnostics::diagnostic_row;
pub use lookups::Lookups;

/// The panel; `open` hides it.
#[component]
pub fn PropertiesPanel(store: CanvasStore, open: RwSignal<bool>) -> impl IntoView {
    let lookups = Lookups::new(store);
    // The node being edited: exactly one node selected. The panel is rebuilt only when this
    // changes, never while typing.
    let editing = Memo::new(move |_| {
        store.selection.with(|s| match (s.nodes.len(), s.edges.len()) {
            (1, 0) => s.nodes.iter().next().cloned(),
            _ => None,
        })
    });
    let many = move || store.selection.with(|s| s.nodes.len() + s.edges.len() > 1);
    let body = move || {
        match editing.get() {
        Some(id) => Suspend::new(node_panel(store, lookups, id)).into_any(),
        None if many() => view! {
            <p class="muted panel-note">"Several items are selected. Select one node to edit it, or click the empty canvas for the flow's properties."</p>
        }
        .into_any(),
        None => view! { <flow::FlowPanel store lookups/> }.into_any(),
    }
    };
    view! {
        <aside id="properties" class="properties" aria-label="Properties" hidden=move || !open.get()>
            // A view-only flow: every control shows its value but takes no input.
            <fieldset class="properties-fields" disabled=move || store.read_only.get()>
                {body}
            </fieldset>
        </aside>
    }
}

/// [`NodePanel`], from its own piece of the bundle (the node forms): loaded when a node is
/// first selected, or earlier by [`preload`].
#[cfg_attr(feature = "split", leptos::lazy)]
async fn node_panel(store: CanvasStore, lookups: Lookups, id: String) -> AnyView {
    view! { <NodePanel store lookups id/> }.into_any()
}

/// Starts loading the pieces of the bundle the panel shows after its first paint in the
/// background: the flow panel's sections, then the node forms, so that selecting a first node
/// does not wait for them.
pub fn preload() {
    flow::preload();
    // The split build of the browser bundle only: elsewhere the forms are already there.
    #[cfg(all(feature = "split", target_arch = "wasm32"))]
    leptos::task::spawn_local(__preload_node_panel());
}

/// The form of one node.
#[component]
fn NodePanel(store: CanvasStore, lookups: Lookups, id: String) -> impl IntoView {
    let Some(cell) = store.node_cell(&id) else {
        return view! { <p class="muted panel-note">"This node no longer exists."</p> }.into_any();
    };
    let kind = cell.node.with_untracked(|n| n.kind);
    let label = {
        let cell = cell.node.clone();
        move || cell.with(|n| n.label.clone())
    };
    // The card follows the label as it is typed; the whole edit is one undo step.
    let label_edit = edit::Edit::label(store, &id);
    let rename = {
        let id = id.clone();
        Callback::new(move |text: String| {
            if text.trim().is_empty() {
                label_edit.refuse("A node needs a label.");
            } else {
                label_edit.accept();
                store.rename_typing(&id, &text);
            }
        })
    };
    let rows = form::fields(kind)
        .iter()
        .map(|field| {
            view! { <fields::FieldRow store lookups node=cell.node.clone() node_id=id.clone() field/> }
        })
        .collect_view();
    let empty = form::fields(kind).is_empty().then(|| {
        view! { <p class="muted">"This kind has no settings."</p> }
    });
    let diagnostics = {
        let id = id.clone();
        Memo::new(move |_| {
            store.diagnostics.with(|all| {
                let edges: Vec<String> =
                    store.with_scene(|s| s.doc().edges_of(&id).map(|e| e.id.clone()).collect());
                node_diagnostics(all, &id, &edges)
            })
        })
    };
    view! {
        <header class="panel-head">
            <span class="panel-kind" style=format!("--kind: {}", kind.category().colour())>
                {kind.display_name()}
            </span>
            <code class="panel-id">{id.clone()}</code>
        </header>
        <div class="field" class:has-error=move || label_edit.error.with(Option::is_some)>
            <label for="prop-label">"Label"</label>
            {controls::text_input("prop-label".into(), label, rename, None, Signal::stored(String::new()), label_edit)}
            {label_edit.message()}
        </div>
        <NodeDiagnostics store diagnostics/>
        <form class="node-form" data-kind=kind.as_str() on:submit=|ev| ev.prevent_default()>
            {rows}
            {empty}
        </form>
        <ports::PortsEditor store node=cell.node.clone() node_id=id.clone() entry=kind.is_entry()/>
        {kind_notes(kind)}
    }
    .into_any()
}

/// What a kind's form cannot say in its fields.
fn kind_notes(kind: NodeKind) -> Option<impl IntoView> {
    let note = match kind {
        NodeKind::LogicDecision => {
            "Each outgoing conditional edge is a branch: select the edge's label on the canvas to edit its condition."
        }
        NodeKind::LogicLoop => {
            "The nodes reached from the loop's body port run once per iteration."
        }
        NodeKind::ComputeDestroy => "Destroys the sandbox the flow provisioned.",
        _ => return None,
    };
    Some(view! { <p class="muted panel-note">{note}</p> })
}

/// The selected node's diagnostics.
#[component]
fn NodeDiagnostics(store: CanvasStore, diagnostics: Memo<Vec<Diagnostic>>) -> impl IntoView {
    move || {
        let list = diagnostics.get();
        if list.is_empty() {
            return None;
        }
        let rows = list.iter().map(|d| diagnostic_row(store, d, None)).collect_view();
        Some(view! { <ul id="node-diagnostics" class="diagnostics node-diagnostics">{rows}</ul> })
    }
}

/// The diagnostics of node `id` and of its `edges` (a dangling edge is the node's problem too).
fn node_diagnostics(all: &[Diagnostic], id: &str, edges: &[String]) -> Vec<Diagnostic> {
    all.iter()
        .filter(|d| {
            d.node_id.as_deref() == Some(id)
                || d.edge_id.as_ref().is_some_and(|e| edges.contains(e))
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_lists_its_own_and_its_edges_diagnostics() {
        let all = vec![
            Diagnostic::error("mine", "nodes[0]").on_node("a"),
            Diagnostic::error("my edge", "edges[0]").on_edge("e1"),
            Diagnostic::error("other", "nodes[1]").on_node("b"),
            Diagnostic::warning("flow", "config"),
        ];
        let listed = node_diagnostics(&all, "a", &["e1".to_owned()]);
        let messages: Vec<&str> = listed.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages, ["mine", "my edge"]);
    }
}
