//! The system clipboard on the canvas: copy, cut and paste carry FlowGraph JSON, so a selection
//! moves between tabs, flows and other tools; text fields keep their own clipboard.

use leptos::prelude::*;

use super::CanvasStore;
use crate::browser;

/// Copies, cuts and pastes the selection of `store` for as long as the page lives.
pub fn listen(store: CanvasStore) {
    let copy = window_event_listener(leptos::ev::copy, move |ev| {
        if browser::typing(ev.as_ref()) {
            return;
        }
        if let (Some(text), Some(data)) = (store.copy_selection(), ev.clipboard_data()) {
            let _ = data.set_data("text/plain", &text);
            ev.prevent_default();
        }
    });
    let cut = window_event_listener(leptos::ev::cut, move |ev| {
        if browser::typing(ev.as_ref()) {
            return;
        }
        if let (Some(text), Some(data)) = (store.copy_selection(), ev.clipboard_data()) {
            let _ = data.set_data("text/plain", &text);
            ev.prevent_default();
            store.delete_selection();
        }
    });
    let paste = window_event_listener(leptos::ev::paste, move |ev| {
        if browser::typing(ev.as_ref()) {
            return;
        }
        if let Some(text) = ev.clipboard_data().and_then(|d| d.get_data("text/plain").ok()) {
            ev.prevent_default();
            store.paste_text(&text, None);
        }
    });
    on_cleanup(move || {
        copy.remove();
        cut.remove();
        paste.remove();
    });
}
