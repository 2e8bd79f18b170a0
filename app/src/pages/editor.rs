//! The editor page: toolbar, palette, canvas, minimap, notices and the help overlay; opening,
//! saving, importing and exporting flows; drafts.
//!
//! The editor mounts in the browser only (its content depends on local drafts and on the
//! viewport's size); the server renders the page's frame and a loading line.

use flow_model::{CoreIdentity, FlowGraph, ModelEntry, SCHEMA_URL, example};
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_bindgen::JsCast;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ApiError};
use crate::browser;
use crate::canvas::actions::{NUDGE, NUDGE_FAR};
use crate::canvas::document::FlowProperties;
use crate::canvas::keys::{self, Action, Press, SHORTCUTS};
use crate::canvas::{Canvas, CanvasStore, InlineEditors, Minimap, Palette, ZoomControls};
use crate::dialog::Dialog;
use crate::drafts;
use crate::panels::preview::{PreviewPane, Tab, tally_text};
use crate::panels::properties::PropertiesPanel;
use crate::platform::PLAYGROUND;

/// How long a change waits before it is written to the draft.
const AUTOSAVE_DEBOUNCE_MS: u64 = 500;
/// How long a notice stays up.
const NOTICE_MS: u64 = 5_000;

/// What the editor was asked to open.
#[derive(Debug, Clone, PartialEq)]
enum Source {
    New,
    Saved(String),
    Draft(String),
    Example(String),
}

/// What the editor opens with.
#[derive(Debug, Clone)]
struct Opened {
    flow: FlowGraph,
    /// The saved version this flow is based on (`None`: never saved).
    base: Option<String>,
    /// When the flow came from a draft: the draft's time.
    restored_from: Option<String>,
    /// The caller may only view it (a saved flow shared with `view` access).
    read_only: bool,
    /// What the caller may do with a flow read from the server (`None`: not read from it).
    access: Option<api::Access>,
}

/// A new, empty flow with a fresh id and the registry's pinned `primary` model filled in.
pub fn untitled() -> FlowGraph {
    let mut flow =
        FlowGraph::from_json(r#"{"id": "flow_new", "name": "Untitled Flow", "version": "0.1.0"}"#)
            .expect("a minimal flow parses");
    flow.schema = Some(SCHEMA_URL.to_owned());
    flow.scaicore_target = Some("0.2".to_owned());
    flow.id = crate::canvas::fresh_ids().next("flow", |_| false);
    let mut config = flow.config.take().unwrap_or_default();
    config.core_identity = Some(CoreIdentity {
        name: Some(flow.name.clone()),
        models: vec![ModelEntry::starter()],
        extra: Default::default(),
    });
    flow.config = Some(config);
    flow
}

/// `/flows/new`.
#[component]
pub fn NewFlowPage() -> impl IntoView {
    view! { <EditorRoute source=Source::New/> }
}

/// `/flows/:id`.
#[component]
pub fn SavedFlowPage() -> impl IntoView {
    let params = use_params_map();
    let id = params.with_untracked(|p| p.get("id").unwrap_or_default());
    view! { <EditorRoute source=Source::Saved(id)/> }
}

/// `/drafts/:id`.
#[component]
pub fn DraftPage() -> impl IntoView {
    let params = use_params_map();
    let id = params.with_untracked(|p| p.get("id").unwrap_or_default());
    view! { <EditorRoute source=Source::Draft(id)/> }
}

/// `/examples/:key`.
#[component]
pub fn ExamplePage() -> impl IntoView {
    let params = use_params_map();
    let key = params.with_untracked(|p| p.get("key").unwrap_or_default());
    view! { <EditorRoute source=Source::Example(key)/> }
}

/// Loads what `source` names, in the browser, then shows the editor.
#[component]
fn EditorRoute(source: Source) -> impl IntoView {
    // Set by an effect, which only runs in the browser: the server and the hydrating client
    // both render the loading line first.
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    let loaded = RwSignal::new(None::<Result<Opened, String>>);
    Effect::new(move |_| {
        if !mounted.get() {
            return;
        }
        let source = source.clone();
        spawn_local(async move { loaded.set(Some(open(source).await)) });
    });
    move || match loaded.get() {
        None => view! {
            <div class="editor-loading" role="status">"Opening the editor…"</div>
        }
        .into_any(),
        Some(Err(message)) => view! {
            <div class="load-error" role="alert">
                <h1>"This flow could not be opened"</h1>
                <p>{message}</p>
                <p><a href="/">"Back to the flows"</a></p>
            </div>
        }
        .into_any(),
        Some(Ok(opened)) => view! { <Editor opened/> }.into_any(),
    }
}

/// Downloads `flow` as `<its name>.flow.json`; the file's name, or why it failed.
fn export_flow(flow: &FlowGraph) -> Result<String, String> {
    let name = format!("{}.flow.json", browser::file_stem(&flow.name));
    browser::download(&name, "application/json", &flow.to_json_pretty()).map(|()| name)
}

/// Finds the flow to open: a draft first (a reload must never lose work), then the server or
/// the bundled example.
async fn open(source: Source) -> Result<Opened, String> {
    let from_draft = |d: drafts::Draft| Opened {
        flow: d.flow,
        base: d.base_version,
        restored_from: Some(d.saved_at),
        read_only: false,
        access: None,
    };
    match source {
        Source::New => Ok(Opened {
            flow: untitled(),
            base: None,
            restored_from: None,
            read_only: false,
            access: None,
        }),
        Source::Draft(id) => drafts::load(&id).map(from_draft).ok_or_else(|| {
            "There is no draft of this flow in this browser (it was saved or discarded).".to_owned()
        }),
        Source::Saved(id) => {
            if let Some(draft) = drafts::load(&id) {
                return Ok(from_draft(draft));
            }
            let detail = api::get_flow(&id).await.map_err(|e| match e {
                ApiError::Failed { status: 404, .. } => format!("There is no flow '{id}'."),
                other => other.to_string(),
            })?;
            Ok(Opened {
                read_only: !detail.summary.access.may_edit(),
                access: Some(detail.summary.access),
                flow: detail.content,
                base: Some(detail.summary.version),
                restored_from: None,
            })
        }
        Source::Example(key) => {
            let example = example(&key).ok_or_else(|| format!("There is no example '{key}'."))?;
            let mut flow = FlowGraph::from_json(example.json).map_err(|e| e.to_string())?;
            flow.id = crate::canvas::fresh_ids().next("flow", |_| false);
            Ok(Opened { flow, base: None, restored_from: None, read_only: false, access: None })
        }
    }
}

/// The address of a flow: saved ones by id, unsaved ones by their draft.
fn path_of(flow_id: &str, base: Option<&str>) -> String {
    match base {
        Some(_) => format!("/flows/{flow_id}"),
        None => format!("/drafts/{flow_id}"),
    }
}

/// Whether keyboard input is going to a text field (shortcuts then stay out of the way).
fn typing(ev: &web_sys::Event) -> bool {
    let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
        return false;
    };
    matches!(el.tag_name().to_ascii_lowercase().as_str(), "input" | "textarea" | "select")
        || el.closest("[contenteditable]").ok().flatten().is_some()
}

/// The node that has keyboard focus, if any.
fn focused_node() -> Option<String> {
    let active = document().active_element()?;
    active.closest("[data-node-id]").ok().flatten()?.get_attribute("data-node-id")
}

#[component]
fn Editor(opened: Opened) -> impl IntoView {
    let Opened { flow, base, restored_from, read_only, access } = opened;
    let sharing = RwSignal::new(false);
    // Only admins of the flow may share it; the server decides for flows opened from a draft.
    let may_share = access.is_none_or(api::Access::may_administer) && !PLAYGROUND;
    // Deploy needs `deploy` access; the server decides for flows opened from a draft.
    let may_deploy = access.is_none_or(api::Access::may_deploy) && !PLAYGROUND;
    let deploying = RwSignal::new(false);
    let store = CanvasStore::new(flow);
    store.read_only.set(read_only);
    let base = RwSignal::new(base);
    let saving = RwSignal::new(false);
    let conflict = RwSignal::new(None::<String>);
    let help = RwSignal::new(false);
    let preview_open = RwSignal::new(false);
    let properties_open = RwSignal::new(true);
    provide_context(crate::diagnostics::Panes { properties: properties_open });
    let preview_tab = RwSignal::new(Tab::Yaml);
    let tally = RwSignal::new((0_usize, 0_usize));
    let show_problems = move || {
        preview_tab.set(Tab::Diagnostics);
        preview_open.set(true);
    };
    let show_diagnostics = Callback::new(move |()| show_problems());
    let restored = RwSignal::new(restored_from);
    // The revision last written to the server (edits after it make the flow "edited").
    let saved_revision = RwSignal::new(store.revision.get_untracked());
    let deploys = crate::panels::deploy::DeployState {
        // A memo: edits bump the revision, but only a save changes what is saved.
        saved: Memo::new(move |_| {
            store.revision.track();
            let id = store.with_scene(|s| s.flow().id.clone());
            base.get().map(|version| (id, version))
        })
        .into(),
        finished: RwSignal::new(0),
    };
    provide_context(deploys);
    let on_deployed = Callback::new(move |deployed: api::Deployed| {
        store.notify_with_link(
            crate::panels::deploy::deployed_message(&deployed),
            format!("deployment-{}", deployed.deployment_id),
            "See it in Deployments".to_owned(),
        );
    });
    let search = NodeRef::<leptos::html::Input>::new();
    let import_input = NodeRef::<leptos::html::Input>::new();

    // First paint: measure the canvas, fit the flow, keep the size current on resize.
    Effect::new(move |_| {
        if store.element.get().is_some() {
            store.measure();
            store.fit_to_view();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| store.remeasure());
    // Opening or closing a side pane resizes the canvas.
    Effect::new(move |_| {
        preview_open.track();
        properties_open.track();
        request_animation_frame(move || store.remeasure());
    });
    on_cleanup(move || resize.remove());

    // The address bar names what is being edited, so a reload reopens it.
    let flow_path = move || {
        store.revision.track();
        let id = store.with_scene(|s| s.flow().id.clone());
        path_of(&id, base.get().as_deref())
    };
    Effect::new(move |_| browser::replace_path(&flow_path()));

    // Autosave: 500 ms after the last change, write the draft.
    let timer = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |first: Option<()>| {
        let revision = store.revision.get();
        if first.is_none() || revision == saved_revision.get_untracked() {
            return;
        }
        if let Some(t) = timer.get_value() {
            t.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                if store.revision.get_untracked() != saved_revision.get_untracked() {
                    drafts::save(&store.flow(), base.get_untracked().as_deref());
                }
            },
            std::time::Duration::from_millis(AUTOSAVE_DEBOUNCE_MS),
        );
        timer.set_value(handle.ok());
    });

    // Notices fade after a while.
    Effect::new(move |_| {
        if let Some(serial) = store.notice.with(|n| n.as_ref().map(|n| n.serial)) {
            set_timeout(
                move || {
                    if store.notice.with_untracked(|n| n.as_ref().map(|n| n.serial)) == Some(serial)
                    {
                        store.notice.set(None);
                    }
                },
                std::time::Duration::from_millis(NOTICE_MS),
            );
        }
    });

    let after_save = move |detail: api::FlowDetail, previous_id: String| {
        drafts::clear(&previous_id);
        store.update_meta(|f| {
            f.id = detail.summary.id.clone();
            f.version = detail.summary.version.clone();
        });
        base.set(Some(detail.summary.version.clone()));
        saved_revision.set(store.revision.get_untracked());
        drafts::clear(&detail.summary.id);
        restored.set(None);
        store.notify(format!("Saved version {}", detail.summary.version), false);
    };

    let save = move || {
        if saving.get_untracked() {
            return;
        }
        if read_only {
            store.notify(crate::canvas::document::READ_ONLY, true);
            return;
        }
        let flow = store.flow();
        if PLAYGROUND {
            match export_flow(&flow) {
                Ok(name) => {
                    store.notify(format!("This playground has no server: exported {name}"), false)
                }
                Err(e) => store.notify(format!("Could not export: {e}"), true),
            }
            return;
        }
        saving.set(true);
        spawn_local(async move {
            let previous_id = flow.id.clone();
            let result = match base.get_untracked() {
                None => api::create_flow(&flow).await,
                Some(version) => api::update_flow(&flow.id, &version, &flow).await,
            };
            saving.set(false);
            match result {
                Ok(detail) => after_save(detail, previous_id),
                Err(ApiError::Conflict { current }) => conflict.set(Some(current)),
                Err(e) => store.notify(format!("Not saved: {e}"), true),
            }
        });
    };

    let reload_saved = move || {
        let id = store.with_scene(|s| s.flow().id.clone());
        spawn_local(async move {
            match api::get_flow(&id).await {
                Ok(detail) => {
                    drafts::clear(&id);
                    store.replace(detail.content);
                    base.set(Some(detail.summary.version.clone()));
                    saved_revision.set(store.revision.get_untracked());
                    conflict.set(None);
                    restored.set(None);
                    store.fit_to_view();
                    store.notify(format!("Reloaded version {}", detail.summary.version), false);
                }
                Err(e) => store.notify(format!("Could not reload: {e}"), true),
            }
        });
    };

    let save_as_copy = move || {
        let mut flow = store.flow();
        let previous_id = flow.id.clone();
        flow.name = format!("{} (copy)", flow.name);
        conflict.set(None);
        saving.set(true);
        spawn_local(async move {
            let result = api::create_flow(&flow).await;
            saving.set(false);
            match result {
                Ok(detail) => {
                    store.update_meta(|f| f.name = flow.name.clone());
                    after_save(detail, previous_id);
                }
                Err(e) => store.notify(format!("Not saved: {e}"), true),
            }
        });
    };

    let discard_draft = move || {
        let id = store.with_scene(|s| s.flow().id.clone());
        drafts::clear(&id);
        restored.set(None);
        if base.get_untracked().is_some() {
            reload_saved();
        } else if let Some(window) = web_sys::window() {
            // Nothing saved to go back to: back to the flows.
            let _ = window.location().set_href("/");
        }
    };

    let export = move || {
        if let Err(e) = export_flow(&store.flow()) {
            store.notify(format!("Could not export: {e}"), true);
        }
    };

    let on_import = move |_| {
        let Some(input) = import_input.get_untracked() else { return };
        spawn_local(async move {
            let Some((name, flow)) = crate::import::picked_file(&input).await else { return };
            match flow {
                Ok(flow) => {
                    store.replace(flow);
                    base.set(None);
                    restored.set(None);
                    // An import is a new, unsaved flow: keep it as a draft at once.
                    drafts::save(&store.flow(), None);
                    store.fit_to_view();
                    store.notify(format!("Imported {name} as a new, unsaved flow"), false);
                }
                Err(e) => store.notify(format!("Could not import {name}: {e}"), true),
            }
        });
    };

    // Keyboard shortcuts for the whole page.
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
        if typing(event) && action != Some(Action::Save) {
            return;
        }
        if ev.key() == " " {
            if let Some(id) = focused_node() {
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
                match (nodes.as_slice(), edges.as_slice(), focused_node()) {
                    (_, _, Some(focused)) if !nodes.contains(&focused) => {
                        store.select(crate::canvas::Selection::nodes([focused]));
                    }
                    ([only], [], _) => store.renaming.set(Some(only.clone())),
                    ([], [edge], _) => store.editing_condition.set(Some(edge.clone())),
                    _ => return,
                }
            }
            Action::Search => {
                if let Some(input) = search.get_untracked() {
                    let _ = input.focus();
                }
            }
            Action::Save => save(),
            Action::Help => help.set(true),
            Action::TogglePreview => preview_open.update(|o| *o = !*o),
            Action::ToggleProperties => properties_open.update(|o| *o = !*o),
            Action::Escape => {
                store.select(crate::canvas::Selection::default());
                return;
            }
        }
        ev.prevent_default();
    };
    let keys_handle = window_event_listener(leptos::ev::keydown, on_key);
    on_cleanup(move || keys_handle.remove());

    // The system clipboard: copy, cut and paste carry FlowGraph JSON.
    let copy = window_event_listener(leptos::ev::copy, move |ev| {
        if typing(ev.as_ref()) {
            return;
        }
        if let (Some(text), Some(data)) = (store.copy_selection(), ev.clipboard_data()) {
            let _ = data.set_data("text/plain", &text);
            ev.prevent_default();
        }
    });
    let cut = window_event_listener(leptos::ev::cut, move |ev| {
        if typing(ev.as_ref()) {
            return;
        }
        if let (Some(text), Some(data)) = (store.copy_selection(), ev.clipboard_data()) {
            let _ = data.set_data("text/plain", &text);
            ev.prevent_default();
            store.delete_selection();
        }
    });
    let paste = window_event_listener(leptos::ev::paste, move |ev| {
        if typing(ev.as_ref()) {
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
    let edited = move || store.revision.get() != saved_revision.get();
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
        <div class="editor" data-ready="true">
            <header class="topbar" role="toolbar" aria-label="Flow">
                <a class="brand" href="/">"ScaiFlow"</a>
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
                <button id="export" title="Download as FlowGraph JSON" on:click=move |_| export()>"Export JSON"</button>
                <button id="save" class="primary" title="Save (Ctrl+S)" disabled=move || saving.get() || read_only on:click=move |_| save()>{save_label}</button>
                {move || (may_deploy && base.get().is_some()).then(|| view! {
                    <button id="deploy" title="Deploy the saved version to ScaiGrid" on:click=move |_| deploying.set(true)>"Deploy"</button>
                })}
                {(!PLAYGROUND).then(|| view! { <crate::panels::deploy::GridStatus/> })}
                {move || (may_share && base.get().is_some()).then(|| view! {
                    <button id="share" title="Who else may view, edit or deploy this flow" on:click=move |_| sharing.set(true)>"Share"</button>
                })}
                <PaneToggle id="toggle-properties" title="Properties of the selected node, or of the flow (Shift+I)" open=properties_open label="Properties"/>
                <PaneToggle id="toggle-preview" title="Live preview: YAML, IR, .scai and diagnostics (Shift+P)" open=preview_open label="Preview"/>
                <button id="help" title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts" on:click=move |_| help.set(true)>"?"</button>
                <crate::account::AccountMenu/>
            </header>
            {read_only.then(|| view! {
                <div id="read-only-notice" class="banner" role="status">
                    <span>{crate::canvas::document::READ_ONLY}</span>
                </div>
            })}
            {move || restored.get().map(|at| view! {
                <div id="draft-notice" class="banner" role="status">
                    <span>{format!("Restored your unsaved changes from {}.", short_time(&at))}</span>
                    <button id="discard-draft" on:click=move |_| discard_draft()>"Discard draft"</button>
                    <button class="quiet" on:click=move |_| restored.set(None)>"Keep"</button>
                </div>
            })}
            <main
                class="workspace"
                class:with-preview=move || preview_open.get()
                class:with-properties=move || properties_open.get()
            >
                <Palette store search/>
                <div class="canvas-area">
                    <Canvas store/>
                    <InlineEditors store/>
                    <EmptyCanvas store read_only/>
                    <Minimap store/>
                    <ZoomControls store/>
                    // Notices sit at the top of the canvas, where they cover no control.
                    {move || store.notice.get().map(|n| view! {
                        <div id="notice" class=if n.error { "toast error" } else { "toast" } role=if n.error { "alert" } else { "status" } data-serial=n.serial>
                            <span class="toast-text">{n.text}</span>
                            {n.link.map(|(target, text)| view! {
                                <button class="link toast-link" on:click=move |_| crate::diagnostics::reveal_in_flow_panel(store, &target)>{text}</button>
                            })}
                        </div>
                    })}
                </div>
                <PropertiesPanel store open=properties_open/>
                <PreviewPane store open=preview_open tab=preview_tab tally/>
            </main>
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
            {move || conflict.get().map(|current| view! {
                <Dialog id="conflict" labelled_by="conflict-title" alert=true close=Callback::new(move |()| conflict.set(None))>
                    <h2 id="conflict-title">"Saved elsewhere meanwhile"</h2>
                    <div class="dialog-body">
                        <p>{format!(
                            "This flow was saved by someone else (or in another tab) and is now at version {current}. Your changes were not saved."
                        )}</p>
                    </div>
                    <div class="dialog-actions">
                        <button id="conflict-copy" class="primary" autofocus on:click=move |_| save_as_copy()>"Save mine as a copy"</button>
                        <button id="conflict-reload" on:click=move |_| reload_saved()>"Reload theirs (drop mine)"</button>
                        <button id="conflict-cancel" class="quiet" on:click=move |_| conflict.set(None)>"Cancel"</button>
                    </div>
                </Dialog>
            })}
            {move || deploying.get().then(|| deploys.saved.get_untracked()).flatten().map(|(flow_id, version)| view! {
                <crate::panels::deploy::DeployDialog store flow_id version edited=store.revision.get_untracked() != saved_revision.get_untracked() close=Callback::new(move |()| deploying.set(false)) on_deployed show_diagnostics/>
            })}
            {move || sharing.get().then(|| view! {
                <crate::panels::share::ShareDialog flow_id=store.flow().id close=Callback::new(move |()| sharing.set(false))/>
            })}
            <Show when=move || help.get()>
                <HelpOverlay close=Callback::new(move |()| help.set(false))/>
            </Show>
        </div>
    }
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

/// `2026-11-23T10:04:05.123Z` → `2026-11-23 10:04:05 UTC`.
fn short_time(rfc3339: &str) -> String {
    let trimmed = rfc3339.split('.').next().unwrap_or(rfc3339).trim_end_matches('Z');
    format!("{} UTC", trimmed.replacen('T', " ", 1))
}

/// The list of shortcuts (`?`).
#[component]
fn HelpOverlay(close: Callback<()>) -> impl IntoView {
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
}

/// What an empty canvas says to do first.
#[component]
fn EmptyCanvas(store: CanvasStore, read_only: bool) -> impl IntoView {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_flows_are_untitled_with_fresh_ids() {
        let (a, b) = (untitled(), untitled());
        assert_eq!(a.name, "Untitled Flow");
        assert!(a.id.starts_with("flow_"));
        assert_ne!(a.id, b.id);
        assert!(a.nodes.is_empty());
        // The pinned primary model is filled in, so a first LLM node compiles.
        let models = &a.config.as_ref().unwrap().core_identity.as_ref().unwrap().models;
        assert_eq!(
            (models[0].role.as_str(), models[0].model.as_str()),
            ("primary", "openai/gpt-4o-mini")
        );
        let mut with_prompt = a.clone();
        let mut node =
            flow_model::Node::new(flow_model::NodeKind::LlmFlexible, "n1", Default::default());
        node.config.insert("goal".into(), "Greet".into());
        with_prompt.nodes.push(node);
        let roles: Vec<String> = compiler::analyze(&with_prompt)
            .into_iter()
            .filter(|d| d.path.ends_with("llm_role"))
            .map(|d| d.message)
            .collect();
        assert!(roles.is_empty(), "{roles:?}");
    }

    #[test]
    fn saved_and_unsaved_flows_have_their_own_addresses() {
        assert_eq!(path_of("flow_x", Some("1.0.0")), "/flows/flow_x");
        assert_eq!(path_of("flow_x", None), "/drafts/flow_x");
        assert_eq!(short_time("2026-11-23T10:04:05.123Z"), "2026-11-23 10:04:05 UTC");
    }
}
