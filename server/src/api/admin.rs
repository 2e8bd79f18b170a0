//! `/admin`: the user mirror, the ScaiFlow-local admin roles and the ScaiKey sync, over the
//! admin service (`crate::admin`, which says who may do what).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::api::error::{ApiError, ApiJson, ErrorBody};
use crate::caller::Principal;
use crate::state::AppState;
use crate::sync::SyncStats;

pub use wire::admin::{AdminFlows, AdminUsers, RoleRequest};

/// Every user of every tenant (super admins).
#[utoipa::path(get, path = "/admin/users", tag = "admin",
    responses((status = 200, body = AdminUsers), (status = 403, body = ErrorBody)))]
pub async fn all_users(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<AdminUsers>, ApiError> {
    Ok(Json(state.admin.all_users(&principal).await?))
}

/// The users of the caller's tenant (tenant and super admins).
#[utoipa::path(get, path = "/admin/tenant/users", tag = "admin",
    responses((status = 200, body = AdminUsers), (status = 403, body = ErrorBody)))]
pub async fn tenant_users(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<AdminUsers>, ApiError> {
    Ok(Json(state.admin.tenant_users(&principal).await?))
}

/// Every flow of the caller's tenant, whoever owns it, the trash included (tenant and super
/// admins).
#[utoipa::path(get, path = "/admin/tenant/flows", tag = "admin",
    responses((status = 200, body = AdminFlows), (status = 403, body = ErrorBody)))]
pub async fn tenant_flows(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<AdminFlows>, ApiError> {
    Ok(Json(state.admin.tenant_flows(&principal).await?))
}

/// Grants an admin role (source `manual`).
#[utoipa::path(post, path = "/admin/users/{user_id}/role", tag = "admin",
    params(("user_id" = String, Path)), request_body = RoleRequest,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn grant_role(
    State(state): State<AppState>,
    principal: Principal,
    Path(user_id): Path<String>,
    ApiJson(request): ApiJson<RoleRequest>,
) -> Result<StatusCode, ApiError> {
    state.admin.grant_role(&principal, &user_id, &request.role).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Revokes a user's admin role.
#[utoipa::path(delete, path = "/admin/users/{user_id}/role", tag = "admin",
    params(("user_id" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn revoke_role(
    State(state): State<AppState>,
    principal: Principal,
    Path(user_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.admin.revoke_role(&principal, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Syncs the user mirror with ScaiKey now (the same run as the background loop) and answers
/// its stats; `skipped_reason` says why nothing was done.
#[utoipa::path(post, path = "/admin/sync", tag = "admin",
    responses((status = 200, body = SyncStats), (status = 403, body = ErrorBody),
        (status = 502, body = ErrorBody)))]
pub async fn sync(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<SyncStats>, ApiError> {
    Ok(Json(state.admin.sync(&principal).await?))
}
