//! How diagnostics read in the editor: nodes named by their labels (the id on hover), where each
//! problem is fixed ("Flow properties › Models", "Classify › Model role"), and a click that goes
//! there: the node selected and its field focused, or the flow's properties opened at the
//! section.
//!
//! The compiler's messages stay as they are (the API and the CLI show them, ids and all); only
//! their presentation here changes.

use compiler::{Diagnostic, Severity};
use flow_model::form;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

use crate::canvas::{CanvasStore, Selection};

/// The editor's side panes, for going to where a problem is fixed.
#[derive(Debug, Clone, Copy)]
pub struct Panes {
    pub properties: RwSignal<bool>,
}

/// A section of the flow's properties panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowSection {
    General,
    Models,
    Topology,
    Sandbox,
    Publishing,
}

impl FlowSection {
    /// Its heading in the panel.
    pub fn title(self) -> &'static str {
        match self {
            FlowSection::General => "Name and target",
            FlowSection::Models => "Models",
            FlowSection::Topology => "ScaiQueue topology",
            FlowSection::Sandbox => "Sandbox",
            FlowSection::Publishing => "Publishing",
        }
    }

    /// The id of its element in the panel.
    pub fn element_id(self) -> &'static str {
        match self {
            FlowSection::General => "flow-general",
            FlowSection::Models => "models",
            FlowSection::Topology => "topology",
            FlowSection::Sandbox => "bunker",
            FlowSection::Publishing => "publish",
        }
    }

    /// The section a document path (`config.core_identity.models[0].model`) is edited in.
    fn of(path: &str) -> FlowSection {
        let path = path.strip_prefix("config.").unwrap_or("");
        let key: String =
            path.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        match key.as_str() {
            "core_identity" => FlowSection::Models,
            "scaiqueue" => FlowSection::Topology,
            "bunker" | "capabilities" => FlowSection::Sandbox,
            "publish_as_model" | "model_visibility_group_ids" => FlowSection::Publishing,
            _ => FlowSection::General,
        }
    }
}

/// Where a problem is fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A node's form, at one of its config fields or at the node as a whole.
    Node {
        id: String,
        field: Option<String>,
    },
    Edge {
        id: String,
    },
    Flow(FlowSection),
    /// The palette: the flow lacks a kind of node (an entry point).
    Palette,
}

impl Place {
    /// The place of `d`: its `fix_path` when it names one (a node without a model is fixed in
    /// the registry), else the node or edge it concerns, else the flow section of its path.
    pub fn of(d: &Diagnostic) -> Place {
        if let Some(fix) = &d.fix_path
            && fix.starts_with("config")
        {
            return Place::Flow(FlowSection::of(fix));
        }
        if let Some(id) = &d.node_id {
            let field = d.path.split_once(".config.").map(|(_, rest)| {
                rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
            });
            return Place::Node { id: id.clone(), field };
        }
        if let Some(id) = &d.edge_id {
            return Place::Edge { id: id.clone() };
        }
        if d.path == "nodes" {
            return Place::Palette;
        }
        Place::Flow(FlowSection::of(&d.path))
    }
}

/// A node's label (its kind's name when the label is empty), `None` for an unknown id.
fn label_of(store: CanvasStore, id: &str) -> Option<String> {
    store.with_scene(|s| {
        s.node(id).map(|n| {
            if n.label.trim().is_empty() {
                n.kind.display_name().to_owned()
            } else {
                n.label.clone()
            }
        })
    })
}

/// "Flow properties › Models", "Classify Intent › Model role", "the edge from A to B".
pub fn where_text(store: CanvasStore, place: &Place) -> String {
    match place {
        Place::Flow(section) => format!("Flow properties › {}", section.title()),
        Place::Palette => {
            "the palette: drag an entry point (API, Webhook or Schedule Entry) onto the canvas"
                .to_owned()
        }
        Place::Node { id, field } => {
            let label = label_of(store, id).unwrap_or_else(|| id.clone());
            let kind = store.with_scene(|s| s.node(id).map(|n| n.kind));
            let field_label = field.as_ref().and_then(|key| {
                let kind = kind?;
                form::fields(kind).iter().find(|f| f.key == *key).map(|f| f.label.clone())
            });
            match field_label {
                Some(field) => format!("{label} › {field}"),
                None => label,
            }
        }
        Place::Edge { id } => {
            let ends = store.with_scene(|s| {
                let e = s.doc().edge(id)?;
                Some((e.source.node.clone(), e.target.node.clone()))
            });
            match ends {
                Some((from, to)) => format!(
                    "the edge from {} to {}",
                    label_of(store, &from).unwrap_or(from),
                    label_of(store, &to).unwrap_or(to)
                ),
                None => format!("edge {id}"),
            }
        }
    }
}

/// Goes to where a problem is fixed: selects the node (its field focused) or the edge, or opens
/// the flow's properties at the section.
pub fn go(store: CanvasStore, place: &Place) {
    let panes = use_context::<Panes>();
    let open_properties = move || {
        if let Some(panes) = panes {
            panes.properties.set(true);
        }
    };
    match place.clone() {
        Place::Node { id, field } => {
            store.select(Selection::nodes([id.clone()]));
            store.reveal(&id);
            open_properties();
            let target = field.map(|f| format!("cfg-{f}"));
            after_render(move || {
                if let Some(target) = &target {
                    focus_in(target);
                }
            });
        }
        Place::Edge { id } => {
            store.select(Selection { nodes: Default::default(), edges: [id].into() });
        }
        Place::Flow(section) => {
            store.select(Selection::default());
            open_properties();
            after_render(move || focus_in(section.element_id()));
        }
        Place::Palette => {
            after_render(|| {
                focus_in("palette-entry");
                focus_in("palette-search");
            });
        }
    }
}

/// Opens the flow's properties and shows the element `id` in them (a deployment entry).
pub fn reveal_in_flow_panel(store: CanvasStore, id: &str) {
    store.select(Selection::default());
    if let Some(panes) = use_context::<Panes>() {
        panes.properties.set(true);
    }
    let id = id.to_owned();
    // The history loads after the panel is drawn: look for the entry a few times.
    fn look(id: String, tries: u32) {
        if document().get_element_by_id(&id).is_some() || tries == 0 {
            focus_in(&id);
            return;
        }
        set_timeout(move || look(id, tries - 1), std::time::Duration::from_millis(100));
    }
    after_render(move || look(id, 30));
}

/// Runs `f` once the panel drawn for the new selection is in the page.
fn after_render(f: impl FnOnce() + 'static) {
    request_animation_frame(move || request_animation_frame(f));
}

/// Scrolls the element `id` into view, marks it for a moment and focuses its first control.
fn focus_in(id: &str) {
    let Some(el) = document().get_element_by_id(id) else { return };
    el.scroll_into_view();
    let control = if el.matches("input, select, textarea").unwrap_or(false) {
        Some(el.clone())
    } else {
        el.query_selector("input:not([readonly]), select, textarea, button").ok().flatten()
    };
    if let Some(control) = control.and_then(|c| c.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = control.focus();
    }
    let _ = el.class_list().add_1("flash");
    let el = el.clone();
    set_timeout(
        move || {
            let _ = el.class_list().remove_1("flash");
        },
        std::time::Duration::from_millis(1200),
    );
}

/// A piece of a message: text, or a node it names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Node(String),
}

/// `message` cut where it quotes a node id that `is_node` knows.
fn pieces(message: &str, is_node: impl Fn(&str) -> bool) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = message;
    while let Some(open) = rest.find('\'') {
        let Some(len) = rest[open + 1..].find('\'') else { break };
        let quoted = &rest[open + 1..open + 1 + len];
        if is_node(quoted) {
            text.push_str(&rest[..open]);
            if !text.is_empty() {
                out.push(Piece::Text(std::mem::take(&mut text)));
            }
            out.push(Piece::Node(quoted.to_owned()));
        } else {
            text.push_str(&rest[..open + 2 + len]);
        }
        rest = &rest[open + 2 + len..];
    }
    text.push_str(rest);
    if !text.is_empty() {
        out.push(Piece::Text(text));
    }
    out
}

/// The message with every node it names shown by its label (following renames), the id on
/// hover.
fn readable_message(store: CanvasStore, message: &str) -> impl IntoView + use<> {
    pieces(message, |id| store.node_cell(id).is_some())
        .into_iter()
        .map(|piece| match piece {
            Piece::Text(text) => text.into_any(),
            Piece::Node(id) => {
                let cell = store.node_cell(&id).map(|c| c.node);
                let label =
                    move || cell.as_ref().map(|c| c.with(|n| n.label.clone())).unwrap_or_default();
                view! { <q class="node-ref" title=id.clone() data-node=id>{label}</q> }.into_any()
            }
        })
        .collect_view()
}

/// One diagnostic as a list row: severity, the readable message and where it is fixed. A click
/// goes there; `then` runs after (a dialog closing itself).
pub fn diagnostic_row(
    store: CanvasStore,
    d: &Diagnostic,
    then: Option<Callback<()>>,
) -> impl IntoView + use<> {
    let severity = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let target = d.node_id.clone().or_else(|| d.edge_id.clone()).unwrap_or_default();
    let place = Place::of(d);
    let fix = where_text(store, &place);
    let go_there = move |ev: leptos::ev::MouseEvent| {
        ev.stop_propagation();
        go(store, &place);
        if let Some(then) = then {
            then.run(());
        }
    };
    view! {
        <li class=format!("diagnostic {severity}") data-target=target data-message=d.message.clone() data-fix=fix.clone() on:click=go_there>
            <span class="diagnostic-severity">{severity}</span>
            <span class="diagnostic-body">
                <span class="diagnostic-message">{readable_message(store, &d.message)}</span>
                <span class="diagnostic-fix">{format!("Fix in {fix}")}</span>
            </span>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_node_ids_are_cut_out_and_other_quotes_kept() {
        let cut = pieces("node 'n1': result_binding 'x' is also used by node 'n2'", |q| {
            q.starts_with('n')
        });
        assert_eq!(
            cut,
            [
                Piece::Text("node ".into()),
                Piece::Node("n1".into()),
                Piece::Text(": result_binding 'x' is also used by node ".into()),
                Piece::Node("n2".into()),
            ]
        );
        assert_eq!(pieces("no quotes", |_| true), [Piece::Text("no quotes".into())]);
        assert_eq!(pieces("one ' quote", |_| true), [Piece::Text("one ' quote".into())]);
    }

    #[test]
    fn problems_are_placed_where_they_are_fixed() {
        let no_model = Diagnostic::error("no model", "nodes[0].config.llm_role")
            .on_node("n1")
            .fixed_at("config.core_identity.models");
        assert_eq!(Place::of(&no_model), Place::Flow(FlowSection::Models));
        let goal = Diagnostic::error("goal", "nodes[2].config.goal").on_node("n3");
        assert_eq!(Place::of(&goal), Place::Node { id: "n3".into(), field: Some("goal".into()) });
        let form = Diagnostic::error("x", "nodes[2].config.sections[1].field").on_node("n3");
        assert_eq!(
            Place::of(&form),
            Place::Node { id: "n3".into(), field: Some("sections".into()) }
        );
        let edge = Diagnostic::error("dangling", "edges[0]").on_edge("e1");
        assert_eq!(Place::of(&edge), Place::Edge { id: "e1".into() });
        let queues = Diagnostic::warning("queue", "config.scaiqueue.queues[1].slug");
        assert_eq!(Place::of(&queues), Place::Flow(FlowSection::Topology));
        assert_eq!(Place::of(&Diagnostic::error("no entry", "nodes")), Place::Palette);
        assert_eq!(
            Place::of(&Diagnostic::error("version", "version")),
            Place::Flow(FlowSection::General)
        );
        assert_eq!(FlowSection::of("config.bunker.image"), FlowSection::Sandbox);
    }
}
