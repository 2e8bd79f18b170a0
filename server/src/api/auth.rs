//! `/auth`: how the browser signs in, and the BFF half of it. The browser runs the
//! authorization-code + PKCE flow against ScaiKey and hands the code and its verifier to
//! `/auth/exchange`; this server adds the client secret, which never reaches the browser.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, header};

use crate::api::error::{ApiError, ApiJson, ErrorBody};
use crate::config::AuthMode;
use crate::oidc::{ProviderError, ScaiKey, Tokens};
use crate::problem::Problem;
use crate::state::AppState;

pub use wire::account::{AuthConfig, ExchangeRequest, RefreshRequest};

/// How this server signs people in (public).
#[utoipa::path(get, path = "/auth/config", tag = "auth", responses((status = 200, body = AuthConfig)))]
pub async fn config(State(state): State<AppState>, headers: HeaderMap) -> Json<AuthConfig> {
    let (AuthMode::ScaiKey(settings), Some(scaikey)) = (&state.config.auth, &state.scaikey) else {
        return Json(AuthConfig {
            auth_mode: "local".into(),
            scaikey_base_url: None,
            client_id: None,
            audience: None,
            redirect_uri: None,
            authorization_endpoint: None,
            end_session_endpoint: None,
            scopes: None,
            error: None,
        });
    };
    let origin = state.config.public_url.clone().unwrap_or_else(|| {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        format!("http://{}", host.unwrap_or("127.0.0.1"))
    });
    let (endpoints, error) = match scaikey.endpoints().await {
        Ok(endpoints) => (Some(endpoints), None),
        Err(error) => {
            tracing::warn!(error = %error, "ScaiKey discovery failed");
            (None, Some(error.to_string()))
        }
    };
    let (authorization_endpoint, end_session_endpoint) = endpoints.unzip();
    Json(AuthConfig {
        auth_mode: "scaikey".into(),
        scaikey_base_url: Some(settings.base_url.clone()),
        client_id: Some(settings.client_id.clone()),
        audience: Some(settings.audience.clone()),
        redirect_uri: Some(format!("{origin}/auth/callback")),
        authorization_endpoint,
        end_session_endpoint: end_session_endpoint.flatten(),
        scopes: Some(settings.scopes.clone()),
        error,
    })
}

/// Trades the browser's authorization code (and PKCE verifier) for tokens.
#[utoipa::path(post, path = "/auth/exchange", tag = "auth", request_body = ExchangeRequest,
    responses((status = 200, body = Tokens), (status = 400, body = ErrorBody),
        (status = 502, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn exchange(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<ExchangeRequest>,
) -> Result<Json<Tokens>, ApiError> {
    let scaikey = configured(&state)?;
    for (value, pointer) in [
        (&request.code, "/code"),
        (&request.code_verifier, "/code_verifier"),
        (&request.redirect_uri, "/redirect_uri"),
    ] {
        if value.trim().is_empty() {
            return Err(ApiError::invalid(format!("{} must not be empty", &pointer[1..]), pointer));
        }
    }
    let (tokens, identity) = scaikey
        .exchange(&request.code, &request.code_verifier, &request.redirect_uri)
        .await
        .map_err(provider_failure)?;
    // Record who signed in, with the ID token's e-mail and name, so that admins see them.
    if let Ok(Ok(mut claims)) = scaikey.verify(&tokens.access_token).await {
        if let Some(identity) = identity.filter(|i| i.subject == claims.sub) {
            claims.email = identity.email.or(claims.email);
            claims.name = identity.name.or(claims.name);
        }
        let now = crate::clock::now_millis();
        let db = &state.db;
        let recorded = async {
            crate::storage::principals::token_principal(db, &claims, claims.scopes(), now).await?;
            crate::storage::principals::record_identity(
                db,
                &claims.sub,
                claims.email.as_deref(),
                claims.name.as_deref(),
            )
            .await
        };
        if let Err(error) = recorded.await {
            tracing::warn!(error = %error, "cannot record the signed-in user");
        }
    }
    Ok(Json(tokens))
}

/// Trades a refresh token for new tokens (ScaiKey rotates the refresh token).
#[utoipa::path(post, path = "/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = Tokens), (status = 400, body = ErrorBody),
        (status = 502, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn refresh(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<RefreshRequest>,
) -> Result<Json<Tokens>, ApiError> {
    let scaikey = configured(&state)?;
    if request.refresh_token.trim().is_empty() {
        return Err(ApiError::invalid("refresh_token must not be empty", "/refresh_token"));
    }
    Ok(Json(scaikey.refresh(&request.refresh_token).await.map_err(provider_failure)?))
}

fn configured(state: &AppState) -> Result<&ScaiKey, ApiError> {
    state.scaikey.as_deref().ok_or(ApiError::Unavailable {
        message: "ScaiKey OIDC not configured on the server",
        fix: "Set SCAIKEY_BASE_URL, SCAIFLOW_SCAIKEY_CLIENT_ID and SCAIFLOW_SCAIKEY_CLIENT_SECRET.",
    })
}

fn provider_failure(error: ProviderError) -> ApiError {
    match error {
        ProviderError::Rejected { error, description } => ApiError::Provider { error, description },
        ProviderError::Unavailable(message) => {
            tracing::error!(error = %message, "ScaiKey token request failed");
            Problem::upstream("scaikey_unavailable", message).into()
        }
    }
}
