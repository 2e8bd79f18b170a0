//! Which ScaiGrid credential a request uses, shared by the deploy, the lookups and the ScaiCore
//! proxy (spec §12.2): the signed-in user's ScaiKey token (ScaiGrid accepts it), else the
//! tenant's API key from the secret store, else the server-wide `SCAIGRID_API_KEY`;
//! `SCAIFLOW_DEPLOY_AUTH=user_jwt` or `api_key` pins one kind. Without any, a deploy answers
//! `412 missing_scaigrid_credentials` and the other calls `412 missing_credentials`.

use std::sync::Arc;

use scaigrid_client::Client;

use crate::caller::Principal;
use crate::config::{AuthMode, Config, DeployAuth, ScaiGridCredential};
use crate::problem::Problem;
use crate::secrets::{self, SecretStore};

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
        secrets::scaigrid_credential(self.secrets.as_ref(), server_key, tenant_id).await.map_err(
            |error| {
                tracing::error!(error = %error, "secret store failed");
                Problem::upstream(
                    "secret_store_failed",
                    "the secret store could not be read; the error is logged",
                )
            },
        )
    }
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
