//! The editor pages (`/flows/new`, `/flows/:id`, `/drafts/:id`, `/examples/:key`): open what
//! the address names, then compose the session ([`crate::session`]) with the canvas, the
//! panels and the editor's frame ([`crate::editor`]).
//!
//! The editor mounts in the browser only (its content depends on local drafts and on the
//! viewport's size): the server renders the page's frame and a loading line, and the editor's
//! own bundle (`app::EditorApp`, never hydrated) renders the editor over it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

use crate::api;
use crate::canvas::{Canvas, InlineEditors, Minimap, Palette, ZoomControls};
use crate::editor::Chrome;
use crate::editor::overlays::{ConflictDialog, HelpOverlay};
use crate::editor::status::{Banners, EmptyCanvas, StatusBar, Toast};
use crate::editor::toolbar::Toolbar;
use crate::panels::deploy::{DeployRequest, DeployState, deploy_dialog};
use crate::panels::preview::PreviewPane;
use crate::panels::properties::PropertiesPanel;
use crate::panels::share::share_dialog;
use crate::session::Session;
use crate::session::open::{Opened, Source, open};
use crate::session::shortcuts::Panels;

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
                <p><a href="/" rel="external">"Back to the flows"</a></p>
            </div>
        }
        .into_any(),
        Some(Ok(opened)) => view! { <Editor opened/> }.into_any(),
    }
}

#[component]
fn Editor(opened: Opened) -> impl IntoView {
    let session = Session::start(opened);
    let Session { store, base, read_only, analysis, .. } = session;
    let chrome = Chrome::new();
    let Chrome { sharing, deploying, help, properties: properties_open } = chrome;
    let preview_open = analysis.open;
    provide_context(crate::diagnostics::Panes { properties: properties_open });
    let show_diagnostics = Callback::new(move |()| analysis.show_problems());
    let deploys = DeployState {
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
    crate::session::shortcuts::listen(
        session,
        Panels { help, properties: properties_open, search },
    );
    crate::canvas::system_clipboard::listen(store);

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
    // The node forms come in the background once the canvas is up.
    request_idle_callback(crate::panels::properties::preload);

    view! {
        <div class="editor" data-ready="true">
            <Toolbar session chrome/>
            <Banners session/>
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
                    <Toast store/>
                </div>
                <PropertiesPanel store open=properties_open/>
                <PreviewPane store analysis/>
            </main>
            <StatusBar session/>
            <ConflictDialog session/>
            {move || deploying.get().then(|| deploys.saved.get_untracked()).flatten().map(|(flow_id, version)| {
                let close = Callback::new(move |()| deploying.set(false));
                let edited = session.edited_untracked();
                let request = DeployRequest {
                    store, flow_id, version, edited, close, on_deployed, show_diagnostics,
                };
                Suspend::new(deploy_dialog(request))
            })}
            {move || sharing.get().then(|| {
                let close = Callback::new(move |()| sharing.set(false));
                Suspend::new(share_dialog(store.with_flow(|f| f.id.clone()), close))
            })}
            <HelpOverlay open=help/>
        </div>
    }
}
