//! The caller of an HTTP request: the [`Principal`] extractor (the local user, or the verified
//! bearer token's identity with its scopes checked) and reading the bearer token.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{Method, header};

use crate::api::error::ApiError;
use crate::caller::{MANAGE_SCOPE, Principal, Token, VIEW_SCOPE};
use crate::config::AuthMode;
use crate::problem::Problem;
use crate::state::AppState;

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
                let message = format!("ScaiKey could not be asked to verify the token: {provider}");
                return Err(Problem::upstream("scaikey_unavailable", message).into());
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
        let Some(mut principal) = principal else {
            return Err(ApiError::Unauthorized {
                message: "this user has been removed from ScaiKey".into(),
            });
        };
        principal.token = Some(Token::new(token));
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
