//! ScaiFlow's user interface: the application shell, its pages and the flow canvas.
//!
//! One set of components serves three builds: `ssr` (rendered by the server), `hydrate` (the
//! WASM bundle that makes the server's HTML interactive) and `csr` (the server-less playground
//! built by Trunk). Nothing here talks to a database or reads the environment; pages get data
//! from the shared pure crates or, later, from the server's REST API.

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
use leptos_router::{
    ParamSegment, StaticSegment,
    components::{Route, Router, Routes},
};

use pages::admin::AdminPage;
use pages::editor::{DraftPage, ExamplePage, NewFlowPage, SavedFlowPage};
use pages::flows::FlowsPage;
use pages::settings::SettingsPage;

/// The name cargo-leptos gives the site's assets: `/pkg/scaiflow.{js,wasm,css}`.
pub const OUTPUT_NAME: &str = "scaiflow";

/// The HTML document around the application, rendered on the server only.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use leptos::hydration::{AutoReload, HydrationScripts};
    use leptos_meta::MetaTags;

    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                <link rel="stylesheet" id="scaiflow-css" href=format!("/pkg/{OUTPUT_NAME}.css")/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: routes and page chrome.
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
                <Route path=StaticSegment("") view=FlowsPage/>
                <Route path=(StaticSegment("flows"), StaticSegment("new")) view=NewFlowPage/>
                <Route path=(StaticSegment("flows"), ParamSegment("id")) view=SavedFlowPage/>
                <Route path=(StaticSegment("drafts"), ParamSegment("id")) view=DraftPage/>
                <Route path=(StaticSegment("examples"), ParamSegment("key")) view=ExamplePage/>
                <Route path=StaticSegment("settings") view=SettingsPage/>
                <Route path=StaticSegment("admin") view=AdminPage/>
                <Route path=(StaticSegment("auth"), StaticSegment("callback")) view=pages::auth_callback::AuthCallbackPage/>
            </Routes>
        </Router>
    }
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
