//! The editor's toolbar: the flow's name (renamed in place, undoably), its version and
//! whether it is edited, undo and redo, tidy, import, export, save, deploy and share, the pane
//! toggles, help and the account.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

use super::Chrome;
use crate::canvas::document::FlowProperties;
use crate::platform::PLAYGROUND;
use crate::session::Session;

/// The toolbar of `session`.
#[component]
pub fn Toolbar(session: Session, chrome: Chrome) -> impl IntoView {
    let Session { store, base, saving, read_only, .. } = session;
    let (may_share, may_deploy) = (session.may_share, session.may_deploy);
    let Chrome { sharing, deploying, help, properties: properties_open, .. } = chrome;
    let preview_open = session.analysis.open;
    let import_input = NodeRef::<leptos::html::Input>::new();
    let save = move || session.save();
    let on_import = move |_| {
        if let Some(input) = import_input.get_untracked() {
            session.import(input);
        }
    };
    let name = move || {
        store.revision.track();
        store.with_scene(|s| s.flow().name.clone())
    };
    let on_rename_flow = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let value = value.trim().to_owned();
        if !value.is_empty() && value != name() {
            // An undoable step, like the same edit in the flow's properties.
            let mut properties = store.with_flow(FlowProperties::of);
            properties.name = value;
            store.set_flow_properties(properties, "name");
        }
    };
    let version = move || match base.get() {
        Some(v) => format!("v{v}"),
        None => "unsaved".to_owned(),
    };
    let edited = move || session.edited();
    let can_undo = move || store.history.get().0;
    let can_redo = move || store.history.get().1;
    let save_label = move || {
        if PLAYGROUND {
            "Export"
        } else if saving.get() {
            "Saving…"
        } else {
            "Save"
        }
    };

    let blur_on_enter = move |ev: KeyboardEvent| {
        if ev.key() == "Enter"
            && let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.blur();
        }
    };
    let undo = move || {
        store.undo();
    };
    let redo = move || {
        store.redo();
    };
    let pick_file = move |_| {
        if let Some(input) = import_input.get_untracked() {
            input.click();
        }
    };

    view! {
        <header class="topbar" role="toolbar" aria-label="Flow">
            <a class="brand" href="/" rel="external">"ScaiFlow"</a>
            <input
                id="flow-name"
                class="flow-name"
                aria-label="Flow name"
                readonly=read_only
                prop:value=name
                on:change=on_rename_flow
                on:keydown=blur_on_enter
            />
            <span id="flow-version" class="flow-version">{version}</span>
            <span class="flow-edited" aria-live="polite">{move || edited().then_some("edited")}</span>
            <span class="spacer"></span>
            <button id="undo" title="Undo (Ctrl+Z)" disabled=move || !can_undo() on:click=move |_| undo()>"Undo"</button>
            <button id="redo" title="Redo (Ctrl+Shift+Z)" disabled=move || !can_redo() on:click=move |_| redo()>"Redo"</button>
            <button id="tidy" title="Tidy up (Shift+L)" on:click=move |_| store.tidy_up()>"Tidy up"</button>
            <button id="import" title="Import a FlowGraph JSON or YAML manifest" on:click=pick_file>"Import"</button>
            <input
                id="import-file"
                type="file"
                accept=".json,.yaml,.yml,application/json,application/yaml"
                hidden
                node_ref=import_input
                on:change=on_import
            />
            <button id="export" title="Download as FlowGraph JSON" on:click=move |_| session.export()>"Export JSON"</button>
            <button id="save" class="primary" title="Save (Ctrl+S)" disabled=move || saving.get() || read_only on:click=move |_| save()>{save_label}</button>
            {move || (may_deploy && base.get().is_some()).then(|| view! {
                <button id="deploy" title="Deploy the saved version to ScaiGrid" on:click=move |_| deploying.set(true)>"Deploy"</button>
            })}
            {(!PLAYGROUND).then(|| Suspend::new(grid_status()))}
            {move || (may_share && base.get().is_some()).then(|| view! {
                <button id="share" title="Who else may view, edit or deploy this flow" on:click=move |_| sharing.set(true)>"Share"</button>
            })}
            <PaneToggle id="toggle-properties" title="Properties of the selected node, or of the flow (Shift+I)" open=properties_open label="Properties"/>
            <PaneToggle id="toggle-preview" title="Live preview: YAML, IR, .scai and diagnostics (Shift+P)" open=preview_open label="Preview"/>
            <button id="help" title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts" on:click=move |_| help.set(true)>"?"</button>
            {Suspend::new(account_menu())}
        </header>
    }
}

/// The ScaiGrid indicator, from a piece of its own: it shows what the server answers, so it is
/// empty at first paint anyway.
#[cfg_attr(feature = "split", leptos::lazy)]
async fn grid_status() -> AnyView {
    view! { <crate::panels::deploy::GridStatus/> }.into_any()
}

/// The account corner, from a piece of its own for the same reason (the sign-in code with it).
#[cfg_attr(feature = "split", leptos::lazy)]
async fn account_menu() -> AnyView {
    view! { <crate::account::AccountMenu/> }.into_any()
}

/// A toolbar button that shows or hides a side pane.
#[component]
fn PaneToggle(
    id: &'static str,
    title: &'static str,
    open: RwSignal<bool>,
    label: &'static str,
) -> impl IntoView {
    view! {
            <button
                id=id
                title=title
                aria-pressed=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {label}
            </button>
    }
}
