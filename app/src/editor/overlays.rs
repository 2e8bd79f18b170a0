//! The editor's own dialogs: the version conflict of a save, and the keyboard shortcuts. Both
//! come from their own pieces of the bundle when first shown.

use leptos::prelude::*;

use crate::canvas::keys::SHORTCUTS;
use crate::dialog::Dialog;
use crate::session::Session;

/// Offers the ways out of a refused save while [`Session::conflict`] holds one.
#[component]
pub fn ConflictDialog(session: Session) -> impl IntoView {
    move || session.conflict.get().map(|current| Suspend::new(conflict_dialog(session, current)))
}

#[cfg_attr(feature = "split", leptos::lazy)]
async fn conflict_dialog(session: Session, current: String) -> AnyView {
    let conflict = session.conflict;
    view! {
        <Dialog id="conflict" labelled_by="conflict-title" alert=true close=Callback::new(move |()| conflict.set(None))>
            <h2 id="conflict-title">"Saved elsewhere meanwhile"</h2>
            <div class="dialog-body">
                <p>{format!(
                    "This flow was saved by someone else (or in another tab) and is now at version {current}. Your changes were not saved."
                )}</p>
            </div>
            <div class="dialog-actions">
                <button id="conflict-copy" class="primary" autofocus on:click=move |_| session.save_as_copy()>"Save mine as a copy"</button>
                <button id="conflict-reload" on:click=move |_| session.reload_saved()>"Reload theirs (drop mine)"</button>
                <button id="conflict-cancel" class="quiet" on:click=move |_| conflict.set(None)>"Cancel"</button>
            </div>
        </Dialog>
    }
    .into_any()
}

/// The list of shortcuts (`?`) while `open`.
#[component]
pub fn HelpOverlay(open: RwSignal<bool>) -> impl IntoView {
    let close = Callback::new(move |()| open.set(false));
    move || open.get().then(|| Suspend::new(help_overlay(close)))
}

#[cfg_attr(feature = "split", leptos::lazy)]
async fn help_overlay(close: Callback<()>) -> AnyView {
    let groups = SHORTCUTS
        .iter()
        .map(|(title, rows)| {
            let rows = rows
                .iter()
                .map(|r| view! { <tr><td><kbd>{r.keys}</kbd></td><td>{r.what}</td></tr> })
                .collect_view();
            view! {
                <section>
                    <h3>{*title}</h3>
                    <table>{rows}</table>
                </section>
            }
        })
        .collect_view();
    view! {
        <Dialog id="help-overlay" labelled_by="help-title" class="help" close>
            <h2 id="help-title">"Keyboard shortcuts"</h2>
            <div class="dialog-body help-groups">{groups}</div>
            <div class="dialog-actions">
                <button id="help-close" class="primary" autofocus on:click=move |_| close.run(())>"Close"</button>
            </div>
        </Dialog>
    }
    .into_any()
}
