//! The editor's keyboard shortcuts: each press is looked up in the one table
//! ([`crate::canvas::keys::SHORTCUTS`]) and its action done on the session, while no dialog has
//! the keyboard and no text field is being typed in (Save works there too).

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use super::Session;
use crate::browser;
use crate::canvas::actions::{NUDGE, NUDGE_FAR};
use crate::canvas::keys::{self, Action, Press};

/// What of the page the shortcuts open, close or focus.
#[derive(Clone, Copy)]
pub struct Panels {
    /// The help overlay.
    pub help: RwSignal<bool>,
    /// The properties panel.
    pub properties: RwSignal<bool>,
    /// The palette's search field.
    pub search: NodeRef<leptos::html::Input>,
}

/// Acts on the page's key presses for as long as the page lives.
pub fn listen(session: Session, panels: Panels) {
    let store = session.store;
    let on_key = move |ev: KeyboardEvent| {
        let event: &web_sys::Event = ev.as_ref();
        let press = Press {
            key: &ev.key(),
            code: &ev.code(),
            command: ev.ctrl_key() || ev.meta_key(),
            shift: ev.shift_key(),
            alt: ev.alt_key(),
        };
        let action = keys::action(press);
        // An open dialog has the keyboard (it closes itself on Escape).
        if crate::dialog::is_open() {
            return;
        }
        if browser::typing(event) && action != Some(Action::Save) {
            return;
        }
        if ev.key() == " " {
            if let Some(id) = browser::focused_node() {
                ev.prevent_default();
                store.select(crate::canvas::Selection::nodes([id]));
            }
            return;
        }
        let Some(action) = action else { return };
        match action {
            Action::Undo => {
                store.undo();
            }
            Action::Redo => {
                store.redo();
            }
            Action::SelectAll => store.select_all(),
            Action::Duplicate => store.duplicate_selection(),
            Action::Delete => {
                if !store.delete_selection() {
                    return;
                }
            }
            Action::Nudge { dx, dy, far } => {
                if store.selection.with_untracked(|s| s.nodes.is_empty()) {
                    return; // arrows keep their usual meaning
                }
                let step = if far { NUDGE_FAR } else { NUDGE };
                store.nudge(f64::from(dx) * step, f64::from(dy) * step);
            }
            Action::ZoomIn => store.zoom_centre(1.2),
            Action::ZoomOut => store.zoom_centre(1.0 / 1.2),
            Action::FitView => store.fit_to_view(),
            Action::ZoomToSelection => store.zoom_to_selection(),
            Action::TidyUp => store.tidy_up(),
            Action::ConnectSelected => store.connect_selected(),
            Action::Rename => {
                let (nodes, edges) = store.selection.with_untracked(|s| {
                    (
                        s.nodes.iter().cloned().collect::<Vec<_>>(),
                        s.edges.iter().cloned().collect::<Vec<_>>(),
                    )
                });
                match (nodes.as_slice(), edges.as_slice(), browser::focused_node()) {
                    (_, _, Some(focused)) if !nodes.contains(&focused) => {
                        store.select(crate::canvas::Selection::nodes([focused]));
                    }
                    ([only], [], _) => store.renaming.set(Some(only.clone())),
                    ([], [edge], _) => store.editing_condition.set(Some(edge.clone())),
                    _ => return,
                }
            }
            Action::Search => {
                if let Some(input) = panels.search.get_untracked() {
                    let _ = input.focus();
                }
            }
            Action::Save => session.save(),
            Action::Help => panels.help.set(true),
            Action::TogglePreview => session.analysis.open.update(|o| *o = !*o),
            Action::ToggleProperties => panels.properties.update(|o| *o = !*o),
            Action::Escape => {
                store.select(crate::canvas::Selection::default());
                return;
            }
        }
        ev.prevent_default();
    };
    let keys_handle = window_event_listener(leptos::ev::keydown, on_key);
    on_cleanup(move || keys_handle.remove());
}
