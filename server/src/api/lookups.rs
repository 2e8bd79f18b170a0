//! Read-only ScaiGrid lookups for the editor (the Model Picker, importing a ScaiQueue scope,
//! bunkers), so the browser never holds a ScaiGrid credential.
//!
//! Which credential a call uses: the signed-in user's ScaiKey token (ScaiGrid accepts it), else
//! the tenant's API key from the secret store, else the server-wide `SCAIGRID_API_KEY`;
//! `SCAIFLOW_DEPLOY_AUTH=user_jwt` or `api_key` pins one kind. None → `412 missing_credentials`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use scaigrid_client::{Client, Model, Queue, Scope};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::auth::{Principal, bearer_token};
use crate::config::{AuthMode, DeployAuth};
use crate::error::{ApiError, ErrorBody};
use crate::secrets;
use crate::state::AppState;

/// The `{"data": [...]}` answer of every lookup.
#[derive(Debug, Serialize, ToSchema)]
pub struct Data<T> {
    pub data: Vec<T>,
}

const FIX: &str = "Set the tenant's ScaiGrid API key in Settings (POST /api/v1/tenants/me/scaigrid_credentials), or SCAIGRID_API_KEY on the server.";

/// A ScaiGrid client with the caller's credential (see the module's documentation).
pub async fn grid_client(
    state: &AppState,
    principal: &Principal,
    headers: &HeaderMap,
) -> Result<Client, ApiError> {
    let mode = state.config.deploy_auth;
    let user_token = match state.config.auth {
        AuthMode::ScaiKey(_) => bearer_token(headers),
        AuthMode::Local | AuthMode::Disabled => None,
    };
    let unusable = |e: scaigrid_client::Error| ApiError::internal(e);
    if let Some(token) = user_token.filter(|_| mode != DeployAuth::ApiKey) {
        return Client::new(&state.config.scaigrid_url, token).map_err(unusable);
    }
    let missing = |message: &str| ApiError::Precondition {
        code: "missing_credentials",
        message: message.to_owned(),
        fix: FIX,
    };
    if mode == DeployAuth::UserJwt {
        return Err(missing(
            "SCAIFLOW_DEPLOY_AUTH=user_jwt, but this request carries no user token",
        ));
    }
    let credential = secrets::scaigrid_credential(
        state.secrets.as_ref(),
        state.config.scaigrid.as_ref(),
        &principal.tenant_id,
    )
    .await
    .map_err(|error| {
        tracing::error!(error = %error, "secret store failed");
        ApiError::Upstream {
            code: "secret_store_failed",
            message: "the secret store could not be read; the error is logged".into(),
        }
    })?
    .ok_or_else(|| missing("no ScaiGrid credentials for this tenant"))?;
    Client::new(&credential.base_url, &credential.api_key).map_err(unusable)
}

/// A failed ScaiGrid call as the API answers it: ScaiGrid's 404 stays a 404, the rest is a 502
/// naming ScaiGrid's status, code and message.
pub fn grid_failure(error: scaigrid_client::Error, what: &str) -> ApiError {
    match &error {
        scaigrid_client::Error::Api(failure) if failure.status == 404 => ApiError::not_found(what),
        _ => {
            tracing::warn!(error = %error, "ScaiGrid lookup failed");
            ApiError::Upstream { code: "scaigrid_error", message: error.to_string() }
        }
    }
}

/// The tenant's model catalogue (the Model Picker).
#[utoipa::path(get, path = "/scaigrid/models", tag = "lookups",
    responses((status = 200, body = Data<Value>, description = "{data: [{slug, display_name, modality, context_window, max_output_tokens}]}"), (status = 412, body = ErrorBody), (status = 502, body = ErrorBody)))]
pub async fn models(
    principal: Principal,
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Data<Model>>, ApiError> {
    let grid = grid_client(&state, &principal, &headers).await?;
    let data = grid.models().await.map_err(|e| grid_failure(e, "models"))?;
    Ok(Json(Data { data }))
}

/// The tenant's ScaiQueue scopes.
#[utoipa::path(get, path = "/scaiqueue/scopes", tag = "lookups",
    responses((status = 200, body = Data<Value>, description = "{data: [{id, slug, display_name, description}]}"), (status = 412, body = ErrorBody), (status = 502, body = ErrorBody)))]
pub async fn scopes(
    principal: Principal,
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Data<Scope>>, ApiError> {
    let grid = grid_client(&state, &principal, &headers).await?;
    let data = grid.scopes().await.map_err(|e| grid_failure(e, "scopes"))?;
    Ok(Json(Data { data }))
}

/// The queues of one scope.
#[utoipa::path(get, path = "/scaiqueue/scopes/{scope_id}/queues", tag = "lookups",
    params(("scope_id" = String, Path)),
    responses((status = 200, body = Data<Value>, description = "{data: [{id, scope_id, slug, display_name, consumer_mode, max_retries}]}"), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody),
        (status = 502, body = ErrorBody)))]
pub async fn queues(
    principal: Principal,
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(scope_id): Path<String>,
) -> Result<Json<Data<Queue>>, ApiError> {
    let grid = grid_client(&state, &principal, &headers).await?;
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
    headers: HeaderMap,
) -> Result<Json<Data<Value>>, ApiError> {
    let grid = grid_client(&state, &principal, &headers).await?;
    let data = grid.bunkers().await.map_err(|e| grid_failure(e, "bunkers"))?;
    Ok(Json(Data { data }))
}
