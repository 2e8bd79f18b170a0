//! ScaiFlow's server: the axum router with the server-rendered editor, `/healthz` and the REST
//! API, plus the configuration, storage and logging it is wired from.
//!
//! `main.rs` only turns configuration into state and state into a listening router; everything
//! testable lives here so router tests drive the real thing in-process.

pub mod api;
pub mod caller;
pub mod clock;
pub mod config;
pub mod flows;
pub mod grid;
pub mod oidc;
pub mod problem;
pub mod render;
pub mod scaikey_admin;
pub mod secrets;
pub mod state;
pub mod storage;
pub mod sync;
pub mod telemetry;
pub mod webhooks;

use axum::Router;
use axum::routing::get;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use config::Config;
pub use state::AppState;

/// The complete HTTP application.
pub fn router(state: AppState) -> Router {
    render::install_executor();
    let pages = generate_route_list(app::App);
    let leptos = state.leptos.clone();
    let (v1, document) = api::router(&state);
    Router::new()
        .route("/healthz", get(api::health::healthz))
        .nest("/api/v1", v1)
        .merge(api::document_route(document))
        .leptos_routes(&state, pages, move || app::shell(leptos.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(app::shell))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(
                    DefaultOnResponse::new()
                        .level(Level::INFO)
                        .latency_unit(tower_http::LatencyUnit::Micros),
                ),
        )
        .with_state(state)
}
