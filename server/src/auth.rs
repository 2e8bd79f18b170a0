//! Who is calling, and what they may do with a flow.
//!
//! Every API request carries a [`Principal`]. In `local` and `disabled` auth modes it is the one
//! local user (`usr_local` in tenant `tnt_local`, a super admin); ScaiKey sign-in replaces it
//! with the verified token's identity. Access to a flow is a level: `view` < `edit` < `deploy` <
//! `admin`.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{Method, header};

use crate::config::AuthMode;
use crate::error::ApiError;
use crate::state::AppState;

/// The local user of `local` and `disabled` auth modes.
pub const LOCAL_USER: &str = "usr_local";
pub const LOCAL_TENANT: &str = "tnt_local";

/// The scope reads need.
pub const VIEW_SCOPE: &str = "scaicore:view";
/// The scope writes need (it includes reading).
pub const MANAGE_SCOPE: &str = "scaicore:manage";

/// The caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: String,
    pub tenant_id: String,
    pub admin_role: Option<AdminRole>,
    /// ScaiKey groups the user belongs to (for group ACLs).
    pub groups: Vec<String>,
    /// The token's scopes (`scaicore:view`, `scaicore:manage`, ...).
    pub scopes: Vec<String>,
}

impl Principal {
    /// The local user: every flow of the local tenant is theirs to administer.
    pub fn local() -> Principal {
        Principal {
            user_id: LOCAL_USER.into(),
            tenant_id: LOCAL_TENANT.into(),
            admin_role: Some(AdminRole::SuperAdmin),
            groups: Vec::new(),
            scopes: vec![VIEW_SCOPE.into(), MANAGE_SCOPE.into()],
        }
    }

    /// The tenant's slug (`core://{tenant_slug}/...`): its id without the `tnt_` prefix.
    pub fn tenant_slug(&self) -> &str {
        self.tenant_id.strip_prefix("tnt_").unwrap_or(&self.tenant_id)
    }

    /// Super and tenant admins administer every flow of their tenant.
    pub fn is_tenant_admin(&self) -> bool {
        self.admin_role.is_some()
    }

    pub fn is_super_admin(&self) -> bool {
        self.admin_role == Some(AdminRole::SuperAdmin)
    }

    /// Whether resources of `tenant` are within reach: one's own tenant, or any for super
    /// admins.
    pub fn reaches(&self, tenant: &str) -> bool {
        tenant == self.tenant_id || self.is_super_admin()
    }

    /// The tenant a lookup by id is confined to (`None`: every tenant, for super admins).
    pub fn tenant_scope(&self) -> Option<&str> {
        (!self.is_super_admin()).then_some(self.tenant_id.as_str())
    }
}

pub use wire::{Access, AdminRole};

impl<S> FromRequestParts<S> for Principal
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        // An identity established earlier in the request's handling (only server code can put
        // one there) takes precedence.
        if let Some(principal) = parts.extensions.get::<Principal>() {
            return Ok(principal.clone());
        }
        let state = AppState::from_ref(state);
        let scaikey = match (&state.config.auth, &state.scaikey) {
            (AuthMode::ScaiKey(_), Some(scaikey)) => scaikey.clone(),
            _ => return Ok(Principal::local()),
        };
        let token = bearer(parts)?;
        let claims = match scaikey.verify(token).await {
            Ok(Ok(claims)) => claims,
            Ok(Err(refused)) => {
                return Err(ApiError::Unauthorized {
                    message: format!("invalid token: {refused}"),
                });
            }
            Err(provider) => {
                tracing::error!(error = %provider, "cannot verify bearer tokens");
                return Err(ApiError::Upstream {
                    code: "scaikey_unavailable",
                    message: format!("ScaiKey could not be asked to verify the token: {provider}"),
                });
            }
        };
        let scopes = claims.scopes();
        let read = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        let allowed = scopes.iter().any(|s| s == MANAGE_SCOPE || (read && s == VIEW_SCOPE));
        if !allowed {
            return Err(ApiError::Scope { needed: if read { VIEW_SCOPE } else { MANAGE_SCOPE } });
        }
        let principal = crate::storage::principals::token_principal(
            &state.db,
            &claims,
            scopes,
            crate::clock::now_millis(),
        )
        .await
        .map_err(ApiError::internal)?;
        let Some(principal) = principal else {
            return Err(ApiError::Unauthorized {
                message: "this user has been removed from ScaiKey".into(),
            });
        };
        parts.extensions.insert(principal.clone());
        Ok(principal)
    }
}

/// The `Authorization: Bearer` token of a request, if it has one.
pub fn bearer_token(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    value
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|token| !token.is_empty())
}

/// The `Authorization: Bearer` token.
fn bearer(parts: &Parts) -> Result<&str, ApiError> {
    bearer_token(&parts.headers).ok_or_else(|| ApiError::Unauthorized {
        message: "sign in with ScaiKey first: this request carries no bearer token (Authorization: Bearer ...)".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_ordered() {
        assert!(
            Access::View < Access::Edit
                && Access::Edit < Access::Deploy
                && Access::Deploy < Access::Admin
        );
        assert_eq!(Access::parse("deploy"), Some(Access::Deploy));
        assert_eq!(Access::parse("owner"), None);
    }
}
