//! What the editor shows around the canvas: the read-only and restored-draft banners, the
//! notice toast, the hint on an empty canvas and the status bar (counts, problems, selection).

use leptos::prelude::*;

use crate::canvas::CanvasStore;
use crate::session::Session;
use crate::session::analysis::tally_text;

/// The banners under the toolbar: a read-only flow, a draft restored.
#[component]
pub fn Banners(session: Session) -> impl IntoView {
    let Session { restored, read_only, .. } = session;
    view! {
        {read_only.then(|| view! {
            <div id="read-only-notice" class="banner" role="status">
                <span>{crate::canvas::document::READ_ONLY}</span>
            </div>
        })}
        {move || restored.get().map(|at| view! {
            <div id="draft-notice" class="banner" role="status">
                <span>{format!("Restored your unsaved changes from {}.", short_time(&at))}</span>
                <button id="discard-draft" on:click=move |_| session.discard_draft()>"Discard draft"</button>
                <button class="quiet" on:click=move |_| restored.set(None)>"Keep"</button>
            </div>
        })}
    }
}

/// The latest notice, at the top of the canvas, where it covers no control.
#[component]
pub fn Toast(store: CanvasStore) -> impl IntoView {
    move || {
        store.notice.get().map(|n| view! {
        <div id="notice" class=if n.error { "toast error" } else { "toast" } role=if n.error { "alert" } else { "status" } data-serial=n.serial>
            <span class="toast-text">{n.text}</span>
            {n.link.map(|(target, text)| view! {
                <button class="link toast-link" on:click=move |_| crate::diagnostics::reveal_in_flow_panel(store, &target)>{text}</button>
            })}
        </div>
    })
    }
}

/// The status bar: the flow's size, its problems (a click shows them), the selection.
#[component]
pub fn StatusBar(session: Session) -> impl IntoView {
    let Session { store, analysis, .. } = session;
    let tally = analysis.tally;
    let show_problems = move || analysis.show_problems();
    let counts = move || {
        store.revision.track();
        store.with_scene(|s| {
            format!("{} nodes · {} edges", s.flow().nodes.len(), s.flow().edges.len())
        })
    };
    let selected = move || {
        store.selection.with(|s| match s.nodes.len() + s.edges.len() {
            0 => String::new(),
            n => format!("{n} selected"),
        })
    };
    view! {
        <footer class="statusbar">
            <span class="flow-counts">{counts}</span>
            {move || tally_text(tally.get()).map(|text| {
                let class = if tally.get().0 > 0 { "problems quiet has-errors" } else { "problems quiet" };
                view! {
                    <button id="problems" class=class title="Show the diagnostics" on:click=move |_| show_problems()>
                        {text}
                    </button>
                }
            })}
            <span class="flow-selected">{selected}</span>
            <span class="spacer"></span>
            <span class="hint">"Press ? for shortcuts"</span>
        </footer>
    }
}

/// What an empty canvas says to do first.
#[component]
pub fn EmptyCanvas(store: CanvasStore, read_only: bool) -> impl IntoView {
    let empty = move || {
        store.revision.track();
        store.with_flow(|f| f.nodes.is_empty())
    };
    move || {
        (empty() && !read_only).then(|| view! {
            <div id="empty-canvas" class="canvas-empty" role="note">
                <h2>"Start with an entry point"</h2>
                <p>"Drag an " <strong>"API Entry"</strong> ", " <strong>"Webhook Entry"</strong> " or " <strong>"Schedule Entry"</strong>
                    " from the palette onto the canvas (or click it), then add the steps that follow it."</p>
                <p class="muted">"Press ? for the keyboard shortcuts, or open an example from the flows page."</p>
            </div>
        })
    }
}

/// `2026-11-23T10:04:05.123Z` → `2026-11-23 10:04:05 UTC`.
fn short_time(rfc3339: &str) -> String {
    let trimmed = rfc3339.split('.').next().unwrap_or(rfc3339).trim_end_matches('Z');
    format!("{} UTC", trimmed.replacen('T', " ", 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draft_times_read_as_utc() {
        assert_eq!(short_time("2026-11-23T10:04:05.123Z"), "2026-11-23 10:04:05 UTC");
    }
}
