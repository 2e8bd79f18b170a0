//! The ScaiCore proxy (`/scaicore/...`): runtime events for the canvas's Live Runs panel and
//! debugger overlay, checkpoints and their resolution, and invoking a Core. ScaiGrid's answers
//! pass through unmodified inside `{"data": …}`, so fields newer runtimes add reach the canvas.
//! Credentials as for every ScaiGrid call ([`crate::grid::Grid::client`]).

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use wire::runtime::{CheckpointStatus, EventsAnswer};

use crate::api::ApiQuery;
use crate::api::error::{ApiError, ApiJson, ErrorBody};
use crate::caller::Principal;
use crate::grid::{Purpose, proxy_failure};
use crate::state::AppState;

/// ScaiGrid's answer, as it wrote it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Passed {
    #[schema(value_type = Object)]
    pub data: Value,
}

const MAX_LIMIT: u32 = 500;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EventsQuery {
    /// Only this Core's events.
    pub core_id: Option<String>,
    /// 1 to 500, default 50.
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page; events after it.
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CheckpointsQuery {
    pub core_id: Option<String>,
    /// `pending` (default), `resolved`, `failed`, `expired` or `cancelled`.
    pub status: Option<String>,
    /// 1 to 500, default 50.
    pub limit: Option<u32>,
}

pub use wire::runtime::{InvokeRequest, ResolveRequest};

fn limit(value: Option<u32>) -> Result<u32, ApiError> {
    match value {
        None => Ok(50),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(n) => {
            Err(ApiError::invalid(format!("limit must be 1 to {MAX_LIMIT}, not {n}"), "/limit"))
        }
    }
}

/// Runtime events (the six built-in `scaicore.runtime.*` events with `node_id`, `@emit` events,
/// ScaiQueue completions), oldest first from `cursor`.
#[utoipa::path(get, path = "/scaicore/events", tag = "scaicore", params(EventsQuery),
    responses((status = 200, body = EventsAnswer),
        (status = 404, body = ErrorBody), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody), (status = 502, body = ErrorBody)))]
pub async fn events(
    principal: Principal,
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<EventsQuery>,
) -> Result<Json<EventsAnswer>, ApiError> {
    let limit = limit(query.limit)?;
    let grid = state.grid.client(&principal, Purpose::Lookup).await?;
    let data = grid
        .events(query.core_id.as_deref(), limit, query.cursor.as_deref())
        .await
        .map_err(|e| proxy_failure(e, "core"))?;
    Ok(Json(EventsAnswer { data }))
}

/// Checkpoints (HITL reviews, approvals, debug breakpoints) by status.
#[utoipa::path(get, path = "/scaicore/checkpoints", tag = "scaicore", params(CheckpointsQuery),
    responses((status = 200, body = Passed, description = "{data: [checkpoint]}"), (status = 412, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 502, body = ErrorBody)))]
pub async fn checkpoints(
    principal: Principal,
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<CheckpointsQuery>,
) -> Result<Json<Passed>, ApiError> {
    let limit = limit(query.limit)?;
    let status = query.status.unwrap_or_else(|| CheckpointStatus::Pending.as_str().to_owned());
    if CheckpointStatus::parse(&status).is_none() {
        return Err(ApiError::invalid(
            format!(
                "status must be pending, resolved, failed, expired or cancelled, not '{status}'"
            ),
            "/status",
        ));
    }
    let grid = state.grid.client(&principal, Purpose::Lookup).await?;
    let page = grid
        .checkpoints(query.core_id.as_deref(), &status, limit)
        .await
        .map_err(|e| proxy_failure(e, "core"))?;
    // ScaiGrid's whole answer is `{data: [...], next_cursor?}`; keep it as it is.
    let data = match page {
        Value::Object(mut map) if map.contains_key("data") => {
            map.remove("data").unwrap_or_default()
        }
        other => other,
    };
    Ok(Json(Passed { data }))
}

/// Resumes a paused checkpoint with the answer; the run continues on ScaiGrid.
#[utoipa::path(post, path = "/scaicore/checkpoints/{checkpoint_id}/resolve", tag = "scaicore",
    params(("checkpoint_id" = String, Path)), request_body = ResolveRequest,
    responses((status = 200, body = Passed, description = "{data: {checkpoint, execution}}"), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "scaigrid_rejected: no longer pending"), (status = 412, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "not one of the options"), (status = 502, body = ErrorBody)))]
pub async fn resolve(
    principal: Principal,
    State(state): State<AppState>,
    Path(checkpoint_id): Path<String>,
    ApiJson(request): ApiJson<ResolveRequest>,
) -> Result<Json<Passed>, ApiError> {
    let grid = state.grid.client(&principal, Purpose::Lookup).await?;
    let mut body = serde_json::to_value(&request).map_err(ApiError::internal)?;
    body["resolved_by"] = Value::from(format!("user:{}", principal.user_id));
    let what = format!("checkpoint '{checkpoint_id}'");
    let data = grid
        .resolve_checkpoint(&checkpoint_id, &body)
        .await
        .map_err(|e| proxy_failure(e, &what))?;
    Ok(Json(Passed { data }))
}

/// Invokes a Core (`entry_api` / `entry_webhook` flows) with `{"input": {...}}`.
#[utoipa::path(post, path = "/scaicore/cores/{core_id}/invoke", tag = "scaicore",
    params(("core_id" = String, Path)), request_body = InvokeRequest,
    responses((status = 200, body = Passed, description = "{data: {execution_id, status, output?, error?, checkpoint_id?}}"),
        (status = 404, body = ErrorBody), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody), (status = 502, body = ErrorBody)))]
pub async fn invoke(
    principal: Principal,
    State(state): State<AppState>,
    Path(core_id): Path<String>,
    ApiJson(request): ApiJson<InvokeRequest>,
) -> Result<Json<Passed>, ApiError> {
    if !request.input.is_object() {
        return Err(ApiError::invalid("input must be a JSON object", "/input"));
    }
    let grid = state.grid.client(&principal, Purpose::Lookup).await?;
    let body = serde_json::to_value(&request).map_err(ApiError::internal)?;
    let what = format!("core '{core_id}'");
    let data = grid.invoke(&core_id, &body).await.map_err(|e| proxy_failure(e, &what))?;
    Ok(Json(Passed { data }))
}
