//! In-place editors over the canvas: a node's label (double-click, Enter or F2) and a
//! conditional edge's condition (double-click its label or the edge, or F2 when selected).
//! Enter or leaving the field commits as one undo step; Escape cancels.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use leptos::ev::{FocusEvent, KeyboardEvent};
use leptos::prelude::*;

use super::geometry::{NODE_WIDTH, Point};
use super::store::CanvasStore;

/// Where and how wide an editor sits over the canvas, in screen pixels.
fn placed(store: CanvasStore, flow_at: Point, flow_width: f64) -> String {
    let vp = store.viewport.get();
    let at = vp.to_screen(flow_at);
    format!(
        "left: {:.0}px; top: {:.0}px; width: {:.0}px; font-size: {:.1}px",
        at.x,
        at.y,
        (flow_width * vp.zoom).max(120.0),
        (14.0 * vp.zoom).clamp(11.0, 22.0)
    )
}

fn focus_and_select(input: &web_sys::HtmlInputElement) {
    let _ = input.focus();
    input.select();
}

/// Commits or cancels on Enter / Escape.
fn keys(ev: &KeyboardEvent, commit: &impl Fn(String), cancel: &impl Fn()) {
    ev.stop_propagation();
    match ev.key().as_str() {
        "Enter" => {
            ev.prevent_default();
            commit(event_target_value(ev));
        }
        "Escape" => {
            ev.prevent_default();
            cancel();
        }
        _ => {}
    }
}

fn back_to_canvas(store: CanvasStore) {
    if let Some(el) = store.element.get_untracked() {
        let _ = el.focus();
    }
}

/// What names a field: its element id, its accessible label and its placeholder.
struct Names {
    id: &'static str,
    label: &'static str,
    placeholder: &'static str,
}

const RENAME: Names = Names { id: "rename-input", label: "Node label", placeholder: "" };
const CONDITION: Names =
    Names { id: "condition-input", label: "Edge condition", placeholder: "e.g. confidence > 0.7" };

/// One in-place text field: `apply` gets its text on Enter or when it loses focus, and either
/// way, or on Escape, `close` hides it and focus returns to the canvas.
fn field(
    store: CanvasStore,
    names: Names,
    value: String,
    style: impl Fn() -> String + Send + Sync + 'static,
    close: impl Fn() + Clone + Send + Sync + 'static,
    apply: impl Fn(String) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    input.on_load(move |el| focus_and_select(&el));
    // Not a reactive value: the field's blur can fire after its owner is gone.
    let done = Arc::new(AtomicBool::new(false));
    let commit = {
        let (done, close) = (done.clone(), close.clone());
        move |text: String| {
            if done.swap(true, Ordering::Relaxed) {
                return;
            }
            close();
            apply(text);
            back_to_canvas(store);
        }
    };
    let cancel = move || {
        done.store(true, Ordering::Relaxed);
        close();
        back_to_canvas(store);
    };
    let on_key = {
        let commit = commit.clone();
        move |ev: KeyboardEvent| keys(&ev, &commit, &cancel)
    };
    let on_blur = move |ev: FocusEvent| commit(event_target_value(&ev));
    view! {
        <input
            id=names.id
            class="inline-editor"
            aria-label=names.label
            placeholder=names.placeholder
            value=value
            node_ref=input
            style=style
            on:keydown=on_key
            on:blur=on_blur
        />
    }
}

#[component]
pub fn InlineEditors(store: CanvasStore) -> impl IntoView {
    let rename = move || {
        let id = store.renaming.get()?;
        let cell = store.node_cell(&id)?;
        let label = cell.node.with_untracked(|n| n.label.clone());
        let style = move || {
            let p = cell.pos.get();
            placed(store, Point::new(p.x + 38.0, p.y + 12.0), NODE_WIDTH - 48.0)
        };
        let close = move || store.renaming.set(None);
        let apply = move |text: String| store.rename(&id, &text);
        Some(field(store, RENAME, label, style, close, apply))
    };
    let condition = move || {
        let id = store.editing_condition.get()?;
        let edge = store.with_scene(|s| s.doc().edge(&id).cloned())?;
        let (source, target) =
            (store.node_cell(&edge.source.node)?, store.node_cell(&edge.target.node)?);
        let style = move || {
            let (a, b) = (source.pos.get(), target.pos.get());
            let mid = Point::new((a.x + NODE_WIDTH + b.x) / 2.0 - 90.0, (a.y + b.y) / 2.0 + 18.0);
            placed(store, mid, 180.0)
        };
        let close = move || store.editing_condition.set(None);
        let apply = move |text: String| store.set_condition(&id, &text);
        let value = edge.condition.unwrap_or_default();
        Some(field(store, CONDITION, value, style, close, apply))
    };
    view! {
        {rename}
        {condition}
    }
}
