//! Signing in and who is signed in (`/auth/*`, `/me`, `/tenants/me/scaigrid_credentials`).

use serde::{Deserialize, Serialize};

use crate::AdminRole;

crate::schema! {
    /// What the browser needs to sign in. Never the client secret.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct AuthConfig {
        /// `scaikey`, or `local` for the single local user (also with `SCAIFLOW_AUTH_DISABLED`).
        pub auth_mode: String,
        pub scaikey_base_url: Option<String>,
        pub client_id: Option<String>,
        pub audience: Option<String>,
        /// `{public URL}/auth/callback`.
        pub redirect_uri: Option<String>,
        /// The provider's authorization endpoint, from its discovery document.
        pub authorization_endpoint: Option<String>,
        /// Where to end the provider's session at sign-out, when it has such an endpoint.
        pub end_session_endpoint: Option<String>,
        /// The scopes to request (space-separated).
        pub scopes: Option<String>,
        /// Why the provider's endpoints are missing (its discovery document could not be read).
        pub error: Option<String>,
    }

    /// `POST /auth/exchange`.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct ExchangeRequest {
        pub code: String,
        pub code_verifier: String,
        /// Exactly the one the authorization request used.
        pub redirect_uri: String,
    }

    /// `POST /auth/refresh`.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct RefreshRequest {
        pub refresh_token: String,
    }

    /// The tokens the browser receives from an exchange or a refresh.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Tokens {
        pub access_token: String,
        pub refresh_token: Option<String>,
        pub id_token: Option<String>,
        /// Always `Bearer`.
        pub token_type: String,
        /// Seconds the access token is valid for.
        pub expires_in: Option<u64>,
    }

    /// `GET /me`: the caller, merged with the local admin role and what the mirror knows.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Me {
        /// The user id.
        pub sub: String,
        pub tenant_id: String,
        /// The tenant's slug, as in `core://{tenant_slug}/...` addresses.
        pub tenant_slug: String,
        /// ScaiFlow-local administrator role, if any.
        pub admin_role: Option<AdminRole>,
        /// ScaiKey groups the user belongs to.
        pub groups: Vec<String>,
        pub email: Option<String>,
        pub display_name: Option<String>,
        /// The token's ScaiFlow scopes: `scaicore:view` (read), `scaicore:manage` (write).
        pub permissions: Vec<String>,
    }

    /// Whether this server can call ScaiGrid for the caller's tenant.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Credentials {
        pub configured: bool,
        /// Calls carry the signed-in user's ScaiKey token (the key, if any, is the fallback).
        pub user_token: bool,
        pub base_url: Option<String>,
        /// The key's first and last four characters.
        pub masked_key: Option<String>,
    }

    /// `POST /tenants/me/scaigrid_credentials`.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct CredentialsRequest {
        /// The tenant's ScaiGrid API key (`sgk_...`).
        pub api_key: String,
        /// Where the tenant's ScaiGrid is; the public endpoint when left out.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub base_url: Option<String>,
    }
}

impl Me {
    pub fn is_super_admin(&self) -> bool {
        self.admin_role == Some(AdminRole::SuperAdmin)
    }

    /// Tenant admins and super admins.
    pub fn is_tenant_admin(&self) -> bool {
        self.admin_role.is_some()
    }
}
