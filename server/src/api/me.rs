//! `/me`: who the caller is, as the browser needs it (the Sub-flow Target picker addresses the
//! tenant's Cores as `core://{tenant_slug}/{slug}`).

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::{AdminRole, Principal};
use crate::error::ErrorBody;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    /// The user id.
    pub sub: String,
    pub tenant_id: String,
    /// The tenant's slug, as in `core://{tenant_slug}/...` addresses.
    pub tenant_slug: String,
    /// ScaiFlow-local administrator role, if any.
    pub admin_role: Option<AdminRole>,
    /// ScaiKey groups the user belongs to.
    pub groups: Vec<String>,
}

/// The caller's principal.
#[utoipa::path(get, path = "/me", tag = "auth",
    responses((status = 200, body = MeResponse), (status = 401, body = ErrorBody)))]
pub async fn me(principal: Principal) -> Json<MeResponse> {
    Json(MeResponse {
        tenant_slug: principal.tenant_slug().to_owned(),
        sub: principal.user_id,
        tenant_id: principal.tenant_id,
        admin_role: principal.admin_role,
        groups: principal.groups,
    })
}

/// Whether this server can call ScaiGrid for the caller's tenant.
#[derive(Debug, Serialize, ToSchema)]
pub struct CredentialsResponse {
    pub configured: bool,
    pub base_url: Option<String>,
    /// The key's first and last four characters.
    pub masked_key: Option<String>,
}

/// The ScaiGrid credential the tenant's calls use (the server-wide `SCAIGRID_API_KEY` until
/// tenants store their own).
#[utoipa::path(get, path = "/tenants/me/scaigrid_credentials", tag = "auth",
    responses((status = 200, body = CredentialsResponse), (status = 401, body = ErrorBody)))]
pub async fn scaigrid_credentials(
    _principal: Principal,
    State(state): State<AppState>,
) -> Json<CredentialsResponse> {
    let grid = state.config.scaigrid.as_ref();
    Json(CredentialsResponse {
        configured: grid.is_some(),
        base_url: grid.map(|g| g.base_url.clone()),
        masked_key: grid.map(|g| g.masked_key()),
    })
}
