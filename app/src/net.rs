//! The HTTP layer under every call to `/api/v1`: where the API is, reading an answer or the
//! documented error body, and whether there is a server at all. It knows nothing of tokens:
//! `auth` adds them (and uses this layer for its own calls), `api` names the endpoints.

use gloo_net::http::{Request, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wire::ErrorBody;

/// Where the API lives, relative to the page.
pub const BASE: &str = "/api/v1";

/// Refuses at once where there is no server to ask (the playground).
pub fn no_server() -> Result<(), ApiError> {
    if crate::platform::PLAYGROUND {
        return Err(ApiError::Unreachable("this playground runs without a server".into()));
    }
    Ok(())
}

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// No answer at all (no server: the playground, or the network).
    #[error("The server could not be reached: {0}")]
    Unreachable(String),
    /// `If-Match` named an older version.
    #[error("This flow was saved elsewhere meanwhile (it is now at version {current}).")]
    Conflict { current: String },
    /// Any other documented error: the body's `message` (and `fix` when given).
    #[error("{message}")]
    Failed { status: u16, error: String, message: String },
}

/// The answer of `response`, or the documented error it carries.
pub async fn read<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    let status = response.status();
    if (200..300).contains(&status) {
        return response.json::<T>().await.map_err(|e| ApiError::Failed {
            status,
            error: "bad_response".into(),
            message: format!("The server's answer could not be read: {e}"),
        });
    }
    let text = response.text().await.unwrap_or_default();
    Err(match serde_json::from_str::<ErrorBody>(&text) {
        Ok(body) if status == 409 => {
            ApiError::Conflict { current: body.detail.current_version().unwrap_or("?").to_owned() }
        }
        Ok(body) => {
            ApiError::Failed { status, message: body.detail.explained(), error: body.detail.error }
        }
        Err(_) => ApiError::Failed {
            status,
            error: "http_error".into(),
            message: format!("The server answered {status}."),
        },
    })
}

/// A request that got no answer.
pub fn unreachable(e: gloo_net::Error) -> ApiError {
    ApiError::Unreachable(e.to_string())
}

/// A request body: JSON text.
#[derive(Debug)]
pub struct JsonBody(pub String);

/// `value` as a request body. Written straight to text, with the one serialiser the bundle
/// also uses for drafts (a `serde_json::Value` first would take a second copy of every request
/// type's serialiser).
pub fn json_body(value: &impl Serialize) -> Result<JsonBody, ApiError> {
    serde_json::to_string(value).map(JsonBody).map_err(|e| ApiError::Unreachable(e.to_string()))
}

/// `POST {BASE}{path}` with `body` and no credentials (the sign-in's own calls).
pub async fn post_anonymous<T: DeserializeOwned>(
    path: &str,
    body: &impl Serialize,
) -> Result<T, ApiError> {
    no_server()?;
    let request = Request::post(&format!("{BASE}{path}")).json(body).map_err(unreachable)?;
    read(request.send().await.map_err(unreachable)?).await
}

/// `GET {BASE}{path}` with no credentials.
pub async fn get_anonymous<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    no_server()?;
    read(Request::get(&format!("{BASE}{path}")).send().await.map_err(unreachable)?).await
}
