//! `/admin`: the user mirror and the ScaiFlow-local admin roles. Super admins see every tenant;
//! tenant admins see their own tenant and may grant only `tenant_admin` in it. Roles given here
//! are recorded with source `manual`, which group reconciliation never takes away. Super admins
//! may also run the ScaiKey sync of the mirror at once.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::api::error::{ApiError, ApiJson, ErrorBody};
use crate::caller::{AdminRole, Principal};
use crate::clock::rfc3339;
use crate::problem::Problem;
use crate::state::AppState;
use crate::storage::flows as repo;
use crate::storage::{mirror, principals};
use crate::sync::{SyncError, SyncStats};

pub use wire::admin::{AdminFlow, AdminFlows, AdminUser, AdminUsers, RoleRequest};

fn user(row: principals::UserRow) -> AdminUser {
    let (id, tenant_id, email, display_name, admin_role, admin_role_source, deleted, synced) = row;
    AdminUser {
        id,
        tenant_id,
        email,
        display_name,
        status: if deleted.is_some() { "DELETED" } else { "ACTIVE" }.to_owned(),
        admin_role,
        admin_role_source,
        deleted_at: deleted.map(rfc3339),
        last_synced_at: synced.map(rfc3339),
    }
}

async fn users(state: &AppState, tenant: Option<&str>) -> Result<Vec<AdminUser>, ApiError> {
    let rows = principals::users(&state.db, tenant).await.map_err(ApiError::internal)?;
    Ok(rows.into_iter().map(user).collect())
}

fn super_admin(principal: &Principal, what: &'static str) -> Result<(), ApiError> {
    match principal.admin_role {
        Some(AdminRole::SuperAdmin) => Ok(()),
        _ => Err(ApiError::AdminOnly { what }),
    }
}

fn tenant_admin(principal: &Principal, what: &'static str) -> Result<(), ApiError> {
    if principal.is_tenant_admin() { Ok(()) } else { Err(ApiError::AdminOnly { what }) }
}

/// Every user of every tenant (super admins).
#[utoipa::path(get, path = "/admin/users", tag = "admin",
    responses((status = 200, body = AdminUsers), (status = 403, body = ErrorBody)))]
pub async fn all_users(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<AdminUsers>, ApiError> {
    super_admin(&principal, "list the users of every tenant")?;
    Ok(Json(AdminUsers { users: users(&state, None).await? }))
}

/// The users of the caller's tenant (tenant and super admins).
#[utoipa::path(get, path = "/admin/tenant/users", tag = "admin",
    responses((status = 200, body = AdminUsers), (status = 403, body = ErrorBody)))]
pub async fn tenant_users(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<AdminUsers>, ApiError> {
    tenant_admin(&principal, "list the tenant's users")?;
    Ok(Json(AdminUsers { users: users(&state, Some(&principal.tenant_id)).await? }))
}

/// Every flow of the caller's tenant, whoever owns it, the trash included (tenant and super
/// admins).
#[utoipa::path(get, path = "/admin/tenant/flows", tag = "admin",
    responses((status = 200, body = AdminFlows), (status = 403, body = ErrorBody)))]
pub async fn tenant_flows(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<AdminFlows>, ApiError> {
    tenant_admin(&principal, "list the tenant's flows")?;
    let rows =
        repo::tenant_flows(&state.db, &principal.tenant_id).await.map_err(ApiError::internal)?;
    let items: Vec<AdminFlow> = rows
        .into_iter()
        .map(|(id, name, owner_id, version, updated, deleted)| AdminFlow {
            id,
            name,
            owner_id,
            version,
            updated_at: rfc3339(updated),
            deleted_at: deleted.map(rfc3339),
        })
        .collect();
    Ok(Json(AdminFlows { total: items.len() as u64, items }))
}

/// The user's tenant and current role, if the caller may manage roles of that user at all.
async fn target(
    state: &AppState,
    principal: &Principal,
    user_id: &str,
) -> Result<(String, Option<String>), ApiError> {
    let found =
        principals::tenant_and_role(&state.db, user_id).await.map_err(ApiError::internal)?;
    let not_found = || ApiError::not_found(format!("user '{user_id}'"));
    let (tenant, role) = found.ok_or_else(not_found)?;
    // Tenant admins do not learn about users of other tenants.
    if principal.admin_role != Some(AdminRole::SuperAdmin) && tenant != principal.tenant_id {
        return Err(not_found());
    }
    Ok((tenant, role))
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
    tenant_admin(&principal, "grant admin roles")?;
    let role = request.role.as_str();
    if !matches!(role, "tenant_admin" | "super_admin") {
        return Err(Problem::BadRequest {
            message: format!("unknown role '{role}': use tenant_admin or super_admin"),
            pointer: "/role".into(),
        }
        .into());
    }
    if role == "super_admin" {
        super_admin(&principal, "grant super_admin")?;
    }
    let (_, current) = target(&state, &principal, &user_id).await?;
    if current.as_deref() == Some("super_admin") && role != "super_admin" {
        // Making a super admin a tenant admin takes super admin away: not from the last one.
        super_admin(&principal, "change a super admin's role")?;
        demote(&state, &user_id, Some(role)).await?;
    } else {
        mirror::set_role(&state.db, &user_id, Some(role)).await.map_err(ApiError::internal)?;
    }
    tracing::info!(user = %user_id, role, by = %principal.user_id, "admin role granted");
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
    tenant_admin(&principal, "revoke admin roles")?;
    let (_, role) = target(&state, &principal, &user_id).await?;
    if role.as_deref() == Some("super_admin") {
        super_admin(&principal, "revoke super_admin")?;
        demote(&state, &user_id, None).await?;
    } else {
        mirror::set_role(&state.db, &user_id, None).await.map_err(ApiError::internal)?;
    }
    tracing::info!(user = %user_id, by = %principal.user_id, "admin role revoked");
    Ok(StatusCode::NO_CONTENT)
}

/// Takes super admin away from `user_id` (leaving `role`), refused for the last super admin:
/// nobody could then reach every tenant, run the sync or make a new super admin here.
async fn demote(state: &AppState, user_id: &str, role: Option<&str>) -> Result<(), ApiError> {
    let done =
        mirror::demote_super_admin(&state.db, user_id, role).await.map_err(ApiError::internal)?;
    if done {
        return Ok(());
    }
    Err(Problem::Conflict {
        message: format!(
            "'{user_id}' is the only super admin: super admin cannot be taken from the last one"
        ),
        fix: "Make another user super admin first (or name ScaiKey groups in \
              SCAIFLOW_SUPER_ADMIN_GROUPS), then revoke this one.",
    }
    .into())
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
    super_admin(&principal, "sync the user mirror with ScaiKey")?;
    match state.mirror_sync.run().await {
        Ok(stats) => Ok(Json(stats)),
        Err(SyncError::ScaiKey(error)) => {
            tracing::warn!(error = %error, by = %principal.user_id, "ScaiKey sync failed");
            Err(Problem::upstream("scaikey_unavailable", error.to_string()).into())
        }
        Err(SyncError::Database(e)) => Err(ApiError::internal(e)),
    }
}
