//! ScaiFlow's user interface: the application shell, its pages and the flow canvas.
//!
//! One set of components serves four builds: `ssr` (every page, rendered by the server, with
//! [`App`]), `hydrate` (the WASM bundle that makes the server's HTML of every page but the
//! editor interactive, with [`Pages`]), `csr` (the editor's own WASM bundle, which renders the
//! editor in the browser, with [`EditorApp`]) and `playground` (the server-less playground
//! Trunk builds, [`App`] rendered in the browser). Nothing here talks to a database or reads
//! the environment; pages get data from the shared pure crates or from the server's REST API.

mod account;
mod api;
mod auth;
mod browser;
pub mod canvas;
mod diagnostics;
mod dialog;
pub mod drafts;
mod editor;
mod highlight;
mod import;
mod net;
mod pages;
mod panels;
mod platform;
mod session;

use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::any_nested_route::{AnyNestedRoute, IntoAnyNestedRoute};
use leptos_router::{
    ParamSegment, StaticSegment,
    components::{Route, RouteChildren, Router, Routes, RoutesProps},
};

pub use pages::is_editor_path;

use pages::admin::AdminPage;
use pages::editor::{DraftPage, ExamplePage, NewFlowPage, SavedFlowPage};
use pages::flows::FlowsPage;
use pages::settings::SettingsPage;

/// The name cargo-leptos gives the site's assets: `/pkg/scaiflow.{js,wasm,css}`.
pub const OUTPUT_NAME: &str = "scaiflow";

/// Where cargo-leptos puts the editor's bundle (the `editor` project in Cargo.toml), as the
/// site serves it.
pub const EDITOR_BUNDLE: &str = "/editor/pkg/editor";

/// The HTML document around the application, rendered on the server only. An editor page
/// loads the editor's bundle, every other page the bundle that hydrates it.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use leptos_meta::MetaTags;

    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <link rel="stylesheet" id="scaiflow-css" href=format!("/pkg/{OUTPUT_NAME}.css")/>
                {bundle(options)}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The scripts that load the page's bundle: the editor's (which renders the editor over the
/// server's loading line) on an editor address, else the hydrating one.
#[cfg(feature = "ssr")]
fn bundle(options: LeptosOptions) -> AnyView {
    use leptos::hydration::{AutoReload, HydrationScripts};

    let editor = use_context::<http::request::Parts>()
        .is_some_and(|parts| pages::is_editor_path(parts.uri.path()));
    if !editor {
        return view! {
            <AutoReload options=options.clone()/>
            <HydrationScripts options/>
        }
        .into_any();
    }
    let (js, wasm) = (format!("{EDITOR_BUNDLE}.js"), format!("{EDITOR_BUNDLE}.wasm"));
    let start = format!(
        "import('{js}').then(m => m.default({{module_or_path: '{wasm}'}}).then(() => m.start()))"
    );
    view! {
        <link rel="modulepreload" href=js/>
        <link rel="preload" href=wasm r#as="fetch" r#type="application/wasm" crossorigin=""/>
        <script type="module">{start}</script>
    }
    .into_any()
}

/// Every page: what the server renders (and the playground, which has no server and so no
/// second bundle).
///
/// `/` lists flows; `/flows/new`, `/flows/{id}`, `/drafts/{flow_id}` and `/examples/{key}` open
/// the editor on a new, saved, unsaved (draft) or example flow; `/settings` holds the tenant's
/// settings; `/admin` the user mirror, admin roles and the ScaiKey sync; `/auth/callback`
/// finishes a ScaiKey sign-in.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    view! {
        <Title text="ScaiFlow"/>
        <Router>
            <Routes fallback=NotFound>
                <PageRoutes/>
                <EditorRoutes/>
            </Routes>
        </Router>
    }
}

/// The hydrating bundle's root: every page but the editor's. Navigating to an editor address
/// loads it from the server, which sends the editor's bundle with it.
#[component]
pub fn Pages() -> impl IntoView {
    one_bundle(PageRoutes, false)
}

/// The editor bundle's root: the editor's addresses only. Navigating anywhere else loads that
/// page from the server.
#[component]
pub fn EditorApp() -> impl IntoView {
    one_bundle(EditorRoutes, true)
}

/// The root of one of the two bundles: `routes`, and the other bundle's addresses sent to the
/// server ([`elsewhere`]). A function, not a choice made at run time, so each bundle holds only
/// its own pages.
fn one_bundle(routes: fn() -> AnyNestedRoute, in_editor: bool) -> impl IntoView {
    provide_meta_context();

    let fallback = move || elsewhere(in_editor);
    view! {
        <Title text="ScaiFlow"/>
        <Router>
            {Routes(RoutesProps::builder().fallback(fallback).children(RouteChildren::to_children(routes)).build())}
        </Router>
    }
}

#[component(transparent)]
fn PageRoutes() -> AnyNestedRoute {
    view! {
        <Route path=StaticSegment("") view=FlowsPage/>
        <Route path=StaticSegment("settings") view=SettingsPage/>
        <Route path=StaticSegment("admin") view=AdminPage/>
        <Route path=(StaticSegment("auth"), StaticSegment("callback")) view=pages::auth_callback::AuthCallbackPage/>
    }
    .into_inner()
    .into_any_nested_route()
}

/// The addresses [`pages::is_editor_path`] names.
#[component(transparent)]
fn EditorRoutes() -> AnyNestedRoute {
    view! {
        <Route path=(StaticSegment("flows"), StaticSegment("new")) view=NewFlowPage/>
        <Route path=(StaticSegment("flows"), ParamSegment("id")) view=SavedFlowPage/>
        <Route path=(StaticSegment("drafts"), ParamSegment("id")) view=DraftPage/>
        <Route path=(StaticSegment("examples"), ParamSegment("key")) view=ExamplePage/>
    }
    .into_inner()
    .into_any_nested_route()
}

/// An address this bundle has no route for: the other bundle's page loads from the server
/// (`in_editor` says which bundle this is); anything else is not a page.
fn elsewhere(in_editor: bool) -> AnyView {
    let location = leptos_router::hooks::use_location();
    let path = location.pathname.get_untracked();
    if pages::is_editor_path(&path) == in_editor {
        return view! { <NotFound/> }.into_any();
    }
    let href =
        format!("{path}{}{}", location.search.get_untracked(), location.hash.get_untracked());
    Effect::new(move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().assign(&href);
        }
    });
    view! { <div class="editor-loading" role="status">"Loading…"</div> }.into_any()
}

/// Shown for any path no route matches; on the server it also sets the status to 404.
#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <div class="not-found" role="alert">
            <h1>"Page not found"</h1>
            <p><a href="/">"Open the editor"</a></p>
        </div>
    }
}
