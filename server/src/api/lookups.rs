//! Read-only ScaiGrid lookups for the editor (the Model Picker, importing a ScaiQueue scope,
//! bunkers), so the browser never holds a ScaiGrid credential.
//!
//! The credential is chosen by [`crate::grid::Grid::client`]; none → `412 missing_credentials`.

use axum::Json;
use axum::extract::{Path, State};
use scaigrid_client::{Model, Queue, Scope};
use serde_json::Value;

use crate::api::error::{ApiError, ErrorBody};
use crate::caller::Principal;
use crate::grid::{Purpose, failure as grid_failure};
use crate::state::AppState;

/// The `{"data": [...]}` answer of every lookup.
pub use wire::lookups::Data;

/// The tenant's model catalogue (the Model Picker).
#[utoipa::path(get, path = "/scaigrid/models", tag = "lookups",
    responses((status = 200, body = Data<Model>, description = "The tenant's models"), (status = 412, body = ErrorBody), (status = 502, body = ErrorBody)))]
pub async fn models(
    principal: Principal,
    State(state): State<AppState>,
) -> Result<Json<Data<Model>>, ApiError> {
    let grid = state.grid.client(&principal, Purpose::Lookup).await?;
    let data = grid.models().await.map_err(|e| grid_failure(e, "models"))?;
    Ok(Json(Data { data }))
}

/// The tenant's ScaiQueue scopes.
#[utoipa::path(get, path = "/scaiqueue/scopes", tag = "lookups",
    responses((status = 200, body = Data<Scope>, description = "The tenant's ScaiQueue scopes"), (status = 412, body = ErrorBody), (status = 502, body = ErrorBody)))]
pub async fn scopes(
    principal: Principal,
    State(state): State<AppState>,
) -> Result<Json<Data<Scope>>, ApiError> {
    let grid = state.grid.client(&principal, Purpose::Lookup).await?;
    let data = grid.scopes().await.map_err(|e| grid_failure(e, "scopes"))?;
    Ok(Json(Data { data }))
}

/// The queues of one scope.
#[utoipa::path(get, path = "/scaiqueue/scopes/{scope_id}/queues", tag = "lookups",
    params(("scope_id" = String, Path)),
    responses((status = 200, body = Data<Queue>, description = "The scope's queues, with ScaiFlow's consumer_mode"), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody),
        (status = 502, body = ErrorBody)))]
pub async fn queues(
    principal: Principal,
    State(state): State<AppState>,
    Path(scope_id): Path<String>,
) -> Result<Json<Data<Queue>>, ApiError> {
    let grid = state.grid.client(&principal, Purpose::Lookup).await?;
    let what = format!("scope '{scope_id}'");
    let data = grid.queues(&scope_id).await.map_err(|e| grid_failure(e, &what))?;
    Ok(Json(Data { data }))
}

/// The tenant's ScaiBunker bunkers, as ScaiGrid describes them.
#[utoipa::path(get, path = "/scaibunker/bunkers", tag = "lookups",
    responses((status = 200, body = Data<Value>), (status = 412, body = ErrorBody), (status = 502, body = ErrorBody)))]
pub async fn bunkers(
    principal: Principal,
    State(state): State<AppState>,
) -> Result<Json<Data<Value>>, ApiError> {
    let grid = state.grid.client(&principal, Purpose::Lookup).await?;
    let data = grid.bunkers().await.map_err(|e| grid_failure(e, "bunkers"))?;
    Ok(Json(Data { data }))
}
