//! `/me`: who the caller is, as the browser needs it (the Sub-flow Target picker addresses the
//! tenant's Cores as `core://{tenant_slug}/{slug}`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use crate::api::ApiQuery;
use crate::api::error::{ApiError, ApiJson, ErrorBody};
use crate::caller::Principal;
use crate::state::AppState;

pub use wire::account::{Credentials as CredentialsResponse, CredentialsRequest, Me as MeResponse};

/// The caller's principal, merged with the local admin role and what the mirror knows of them.
#[utoipa::path(get, path = "/me", tag = "auth",
    responses((status = 200, body = MeResponse), (status = 401, body = ErrorBody)))]
pub async fn me(
    principal: Principal,
    State(state): State<AppState>,
) -> Result<Json<MeResponse>, ApiError> {
    Ok(Json(state.people.me(principal).await?))
}

/// The ScaiGrid credential the tenant's calls use: the tenant's own, else the server-wide
/// `SCAIGRID_API_KEY`.
#[utoipa::path(get, path = "/tenants/me/scaigrid_credentials", tag = "auth",
    responses((status = 200, body = CredentialsResponse), (status = 401, body = ErrorBody),
        (status = 502, body = ErrorBody)))]
pub async fn scaigrid_credentials(
    principal: Principal,
    State(state): State<AppState>,
) -> Result<Json<CredentialsResponse>, ApiError> {
    Ok(Json(state.grid.credentials(&principal).await?))
}

/// Stores the tenant's ScaiGrid credential in the secret store (tenant or super admins only).
#[utoipa::path(post, path = "/tenants/me/scaigrid_credentials", tag = "auth",
    request_body = CredentialsRequest,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 502, body = ErrorBody)))]
pub async fn set_scaigrid_credentials(
    principal: Principal,
    State(state): State<AppState>,
    ApiJson(request): ApiJson<CredentialsRequest>,
) -> Result<StatusCode, ApiError> {
    state.grid.set_credentials(&principal, &request).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PrincipalQuery {
    /// Part of a name, e-mail or id (any case); empty lists the first ones by name.
    #[serde(default)]
    pub search: String,
    /// How many users and how many groups at most, 1 to 100 (default 20).
    #[serde(default)]
    pub limit: Option<u32>,
}

pub use wire::sharing::PrincipalList;

/// The users and groups of the caller's tenant that match `search`, from the mirror of
/// ScaiKey: whom a flow can be shared with (any member may ask).
#[utoipa::path(get, path = "/tenants/me/principals", tag = "auth", params(PrincipalQuery),
    responses((status = 200, body = PrincipalList), (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn principals(
    principal: Principal,
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<PrincipalQuery>,
) -> Result<Json<PrincipalList>, ApiError> {
    let found = state.people.search(&principal, &query.search, query.limit.unwrap_or(20));
    Ok(Json(found.await?))
}
