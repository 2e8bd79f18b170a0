//! The REST API under `/api/v1`, and its OpenAPI 3.1 document at `/api/openapi.json`.
//!
//! Routes and the document come from the same `routes!` registrations, so every route is
//! documented and every documented operation is routed.

mod admin;
mod auth;
mod dev;
pub mod error;
mod flows;
pub mod health;
mod lookups;
mod me;
mod preview;
pub mod principal;
mod scaicore;
mod webhooks;

use axum::extract::{DefaultBodyLimit, FromRequestParts, Query};
use axum::http::request::Parts;
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde::de::DeserializeOwned;
use utoipa::OpenApi;
use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::RefOr;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::error::{ApiError, BodyLimit, ErrorBody};
use crate::problem::Problem;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "ScaiFlow API", description = "Flows, versions, preview compilation and more."),
    components(schemas(ErrorBody)),
    tags(
        (name = "flows", description = "Flows and their versions"),
        (name = "preview", description = "Stateless compilation and validation"),
        (name = "auth", description = "Who is calling"),
        (name = "admin", description = "The user mirror and admin roles"),
        (name = "lookups", description = "Read-only ScaiGrid lookups for the editor"),
        (name = "scaicore", description = "The ScaiCore proxy: runtime events, checkpoints, invoke"),
    )
)]
struct Info;

/// The API router (to be nested under `/api/v1`) and its OpenAPI document.
pub fn router(state: &AppState) -> (Router<AppState>, Document) {
    let limit = state.config.max_body_bytes;
    let (api, document) = routes();
    let api = api
        .fallback(|| async { ApiError::not_found("endpoint") })
        .layer(DefaultBodyLimit::max(limit))
        .layer(Extension(BodyLimit(limit)));
    (api, document)
}

/// The OpenAPI document of `/api/v1`, as `/api/openapi.json` serves it.
pub fn document() -> Document {
    routes().1
}

/// Every route of `/api/v1`, registered once, and the document generated from them.
fn routes() -> (Router<AppState>, Document) {
    let (api, mut document) = OpenApiRouter::with_openapi(Info::openapi())
        // Preview routes first: `/flows/compile` is not a flow id.
        .routes(routes!(preview::compile))
        .routes(routes!(preview::validate))
        .routes(routes!(flows::list, flows::create))
        .routes(routes!(flows::get, flows::update, flows::delete))
        .routes(routes!(flows::restore))
        .routes(routes!(flows::versions))
        .routes(routes!(flows::version))
        .routes(routes!(flows::deployments))
        .routes(routes!(flows::deploy))
        .routes(routes!(dev::deploy))
        .routes(routes!(flows::acls, flows::grant))
        .routes(routes!(flows::change_acl, flows::revoke))
        .routes(routes!(me::me))
        .routes(routes!(auth::config))
        .routes(routes!(auth::exchange))
        .routes(routes!(auth::refresh))
        .routes(routes!(me::scaigrid_credentials, me::set_scaigrid_credentials))
        .routes(routes!(me::principals))
        .routes(routes!(webhooks::scaikey))
        .routes(routes!(lookups::models))
        .routes(routes!(lookups::scopes))
        .routes(routes!(lookups::queues))
        .routes(routes!(lookups::bunkers))
        .routes(routes!(scaicore::events))
        .routes(routes!(scaicore::checkpoints))
        .routes(routes!(scaicore::resolve))
        .routes(routes!(scaicore::invoke))
        .routes(routes!(admin::all_users))
        .routes(routes!(admin::tenant_users))
        .routes(routes!(admin::tenant_flows))
        .routes(routes!(admin::grant_role, admin::revoke_role))
        .routes(routes!(admin::sync))
        .split_for_parts();
    document.servers = Some(vec![utoipa::openapi::Server::new("/api/v1")]);
    describe_responses(&mut document);
    (api, document)
}

/// Gives every response that a route documents without words of its own (OpenAPI requires
/// them) what its status means throughout the API, as `docs/api.md` lists the codes.
fn describe_responses(document: &mut Document) {
    for item in document.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
            &mut item.head,
            &mut item.options,
            &mut item.trace,
        ];
        for operation in operations.into_iter().flatten() {
            for (status, response) in &mut operation.responses.responses {
                if let RefOr::T(response) = response
                    && response.description.is_empty()
                {
                    response.description = meaning(status).to_owned();
                }
            }
        }
    }
}

/// What an answer's status means on any route of the API.
fn meaning(status: &str) -> &'static str {
    match status {
        "200" => "The answer",
        "201" => "Created",
        "204" => "Done (no body)",
        "400" => "A value the operation cannot take (`bad_request`, `compile_error`, ...)",
        "401" => "No identity, or a token that does not verify (`unauthorized`)",
        "403" => "The token lacks the scope, or the caller the access level, this needs",
        "404" => "No such resource for this caller; another tenant's is answered the same way",
        "409" => {
            "Conflicts with what exists (`conflict`, or `version_conflict` with `current_version`)"
        }
        "412" => "A precondition is missing: no ScaiGrid credential for the tenant",
        "413" => "The body exceeds `SCAIFLOW_MAX_BODY_BYTES` (`payload_too_large`)",
        "415" => "The body is not `application/json`",
        "422" => "The body or a query parameter does not fit (`invalid_request` with `pointer`)",
        "500" => "Our failure (`internal_error`); the cause is logged",
        "502" => "An upstream service (ScaiGrid, ScaiQueue, ScaiKey, the secret store) failed",
        "503" => "Not configured on this server, or temporarily unavailable",
        _ => "See docs/api.md",
    }
}

/// `/api/openapi.json`.
pub fn document_route(document: Document) -> Router<AppState> {
    Router::new().route("/api/openapi.json", get(move || async move { Json(document) }))
}

/// Query parameters whose rejections are API errors (422 naming the parameter).
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(Problem::Invalid {
                message: rejection.body_text(),
                pointer: None,
                line: None,
                column: None,
            }
            .into()),
        }
    }
}
