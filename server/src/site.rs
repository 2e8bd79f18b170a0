//! The whole site as one axum application: the server-rendered pages, `/healthz`, the REST API
//! under `/api/v1` and its OpenAPI document, with request tracing around them.

use axum::Router;
use axum::routing::get;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::state::AppState;
use crate::{api, render};

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
