//! Which ScaiGrid credential a request uses, shared by the deploy, the lookups and the ScaiCore
//! proxy (spec §12.2): the signed-in user's ScaiKey token (ScaiGrid accepts it), else the
//! tenant's API key from the secret store, else the server-wide `SCAIGRID_API_KEY`;
//! `SCAIFLOW_DEPLOY_AUTH=user_jwt` or `api_key` pins one kind. Without any, a deploy answers
//! `412 missing_scaigrid_credentials` and the other calls `412 missing_credentials`.

use std::sync::Arc;

use scaigrid_client::Client;

use crate::admin::tenant_admin;
use crate::caller::Principal;
use crate::config::{AuthMode, Config, DEFAULT_SCAIGRID_URL, DeployAuth, ScaiGridCredential};
use crate::problem::Problem;
use crate::secrets::{self, SecretError, SecretStore};

pub use wire::account::{Credentials, CredentialsRequest};

/// What the credential is for; only the error code differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Deploy,
    Lookup,
}

const LOOKUP_FIX: &str = "Set the tenant's ScaiGrid API key in Settings (POST /api/v1/tenants/me/scaigrid_credentials), or SCAIGRID_API_KEY on the server.";
const DEPLOY_FIX: &str = "Sign in with ScaiKey, or set this tenant's API key via POST /v1/tenants/me/scaigrid_credentials.";

/// Where ScaiGrid calls get their credential: the configuration and the secret store.
#[derive(Clone)]
pub struct Grid {
    config: Arc<Config>,
    secrets: Arc<dyn SecretStore>,
}

impl Grid {
    pub fn new(config: Arc<Config>, secrets: Arc<dyn SecretStore>) -> Self {
        Grid { config, secrets }
    }

    /// A ScaiGrid client with the caller's credential (see the module's documentation).
    pub async fn client(&self, principal: &Principal, purpose: Purpose) -> Result<Client, Problem> {
        let mode = self.config.deploy_auth;
        let user_token = match self.config.auth {
            AuthMode::ScaiKey(_) => principal.token.as_ref().map(|t| t.as_str()),
            AuthMode::Local | AuthMode::Disabled => None,
        };
        let unusable = |e: scaigrid_client::Error| Problem::internal(e);
        if let Some(token) = user_token.filter(|_| mode != DeployAuth::ApiKey) {
            return Client::new(&self.config.scaigrid_url, token).map_err(unusable);
        }
        let missing = |message: String| match purpose {
            Purpose::Deploy => Problem::Precondition {
                code: "missing_scaigrid_credentials",
                message,
                fix: DEPLOY_FIX,
            },
            Purpose::Lookup => {
                Problem::Precondition { code: "missing_credentials", message, fix: LOOKUP_FIX }
            }
        };
        if mode == DeployAuth::UserJwt {
            return Err(missing(
                "SCAIFLOW_DEPLOY_AUTH=user_jwt, but this request carries no user token".to_owned(),
            ));
        }
        let credential = self.tenant_key(&principal.tenant_id).await?.ok_or_else(|| {
            missing(format!("no ScaiGrid credentials for tenant '{}'", principal.tenant_id))
        })?;
        Client::new(&credential.base_url, &credential.api_key).map_err(unusable)
    }

    /// The tenant's own ScaiGrid key from the secret store, else the server-wide one.
    pub async fn tenant_key(&self, tenant_id: &str) -> Result<Option<ScaiGridCredential>, Problem> {
        let server_key = self.config.scaigrid.as_ref();
        secrets::scaigrid_credential(self.secrets.as_ref(), server_key, tenant_id)
            .await
            .map_err(secret_failure)
    }

    /// The ScaiGrid credential the tenant's calls use, as Settings shows it (the key masked).
    pub async fn credentials(&self, principal: &Principal) -> Result<Credentials, Problem> {
        let config = &self.config;
        let grid = self.tenant_key(&principal.tenant_id).await?;
        // Signed in with ScaiKey, calls carry the user's own token first (see `client`).
        let user_token =
            matches!(config.auth, AuthMode::ScaiKey(_)) && config.deploy_auth != DeployAuth::ApiKey;
        let grid = grid.filter(|_| config.deploy_auth != DeployAuth::UserJwt);
        Ok(Credentials {
            configured: user_token || grid.is_some(),
            user_token,
            base_url: match (&grid, user_token) {
                (_, true) => Some(config.scaigrid_url.clone()),
                (Some(g), false) => Some(g.base_url.clone()),
                (None, false) => None,
            },
            masked_key: grid.as_ref().map(ScaiGridCredential::masked_key),
        })
    }

    /// Stores the tenant's ScaiGrid credential in the secret store (tenant or super admins).
    pub async fn set_credentials(
        &self,
        principal: &Principal,
        request: &CredentialsRequest,
    ) -> Result<(), Problem> {
        tenant_admin(principal, "set the tenant's ScaiGrid credentials")?;
        let api_key = request.api_key.trim();
        if api_key.is_empty() || api_key.chars().any(char::is_whitespace) {
            return Err(Problem::invalid(
                "api_key must be a ScaiGrid API key (sgk_...)",
                "/api_key",
            ));
        }
        let base_url = match request.base_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            None => DEFAULT_SCAIGRID_URL.to_owned(),
            Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
                url.trim_end_matches('/').to_owned()
            }
            Some(_) => {
                return Err(Problem::invalid("base_url must be an http(s):// URL", "/base_url"));
            }
        };
        let tenant = &principal.tenant_id;
        // The base URL first: a key never points at a stale URL.
        let store = self.secrets.as_ref();
        store
            .write(&secrets::tenant_path(tenant, secrets::SCAIGRID_BASE_URL), &base_url)
            .await
            .map_err(secret_failure)?;
        store
            .write(&secrets::tenant_path(tenant, secrets::SCAIGRID_API_KEY), api_key)
            .await
            .map_err(secret_failure)?;
        tracing::info!(tenant = %tenant, user = %principal.user_id, "tenant ScaiGrid credentials set");
        Ok(())
    }
}

/// A secret store failure as the caller hears it (logged with its cause).
fn secret_failure(error: SecretError) -> Problem {
    tracing::error!(error = %error, "secret store failed");
    Problem::upstream(
        "secret_store_failed",
        "the secret store could not be read or written; the error is logged",
    )
}

/// A failed ScaiGrid read as the API answers it: ScaiGrid's 404 stays a 404, the rest is a 502
/// `scaigrid_error` naming ScaiGrid's status, code and message.
pub fn failure(error: scaigrid_client::Error, what: &str) -> Problem {
    match &error {
        scaigrid_client::Error::Api(failure) if failure.status == 404 => Problem::not_found(what),
        _ => {
            tracing::warn!(error = %error, "ScaiGrid call failed");
            Problem::upstream("scaigrid_error", error.to_string())
        }
    }
}

/// A failed ScaiGrid call made on the caller's behalf (the ScaiCore proxy): a 404 stays a 404,
/// ScaiGrid's refusals of the request itself (400, 409, 422: a resolution that is not one of
/// the options, a checkpoint no longer pending) keep their status as `scaigrid_rejected` with
/// ScaiGrid's message and code, and anything else is a 502 `scaigrid_error`.
pub fn proxy_failure(error: scaigrid_client::Error, what: &str) -> Problem {
    match &error {
        scaigrid_client::Error::Api(api) if matches!(api.status, 400 | 409 | 422) => {
            let extra = serde_json::Map::from_iter([
                ("upstream_code".to_owned(), serde_json::Value::from(api.code.clone())),
                ("upstream_details".to_owned(), api.details.clone().unwrap_or_default()),
            ]);
            Problem::Refused {
                upstream_status: api.status,
                code: "scaigrid_rejected",
                message: api.message.clone(),
                extra: Box::new(extra),
            }
        }
        _ => failure(error, what),
    }
}
