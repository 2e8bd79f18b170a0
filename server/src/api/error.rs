//! The API's one error type, its JSON body `{"detail": {"error", "message", "fix"?, ...}}`, the
//! status of each service [`Problem`], and the JSON body extractor whose rejections use it.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::problem::Problem;

/// Everything an API handler can answer besides success: a service's [`Problem`], or a refusal
/// of the HTTP layer's own (no token, a missing scope, a body that is not JSON).
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// What a service refused or failed with.
    #[error(transparent)]
    Problem(#[from] Problem),
    #[error("{message}")]
    Unauthorized { message: String },
    /// ScaiKey refused a token request (an expired or reused code, a verifier mismatch): its
    /// OAuth `error` and `error_description`.
    #[error("ScaiKey refused: {error}: {description}")]
    Provider { error: String, description: String },
    /// A feature this server is not configured for.
    #[error("{message}")]
    Unavailable { message: &'static str, fix: &'static str },
    /// The token lacks the scope the operation needs.
    #[error("this needs the '{needed}' scope, which the token does not carry")]
    Scope { needed: &'static str },
    #[error("the request body is larger than the limit of {limit} bytes")]
    TooLarge { limit: usize },
    #[error("send the body as JSON with content-type application/json")]
    UnsupportedMediaType,
}

impl ApiError {
    pub fn not_found(what: impl Into<String>) -> Self {
        Problem::not_found(what).into()
    }

    pub fn invalid(message: impl Into<String>, pointer: impl Into<String>) -> Self {
        Problem::invalid(message, pointer).into()
    }

    pub fn internal(error: impl std::fmt::Display) -> Self {
        Problem::internal(error).into()
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Problem(problem) => problem_status(problem),
            ApiError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            ApiError::Scope { .. } => StatusCode::FORBIDDEN,
            ApiError::Provider { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        }
    }

    /// The `detail` object.
    pub fn detail(&self) -> Map<String, Value> {
        let (code, fix) = match self {
            ApiError::Problem(problem) => (problem.code(), problem.fix()),
            ApiError::Unauthorized { .. } => ("unauthorized", Some("Sign in with ScaiKey.")),
            // ScaiKey's own OAuth error code (`invalid_grant`, ...).
            ApiError::Provider { error, .. } => (error.as_str(), None),
            ApiError::Unavailable { fix, .. } => ("not_configured", Some(*fix)),
            ApiError::Scope { .. } => (
                "insufficient_scope",
                Some("Sign in again; if it persists, ask for the scope in ScaiKey."),
            ),
            ApiError::TooLarge { .. } => ("payload_too_large", None),
            ApiError::UnsupportedMediaType => ("unsupported_media_type", None),
        };
        let message = match self {
            ApiError::Problem(problem) => problem.public_message(),
            other => other.to_string(),
        };
        let mut detail = Map::new();
        detail.insert("error".into(), code.into());
        detail.insert("message".into(), message.into());
        if let Some(fix) = fix {
            detail.insert("fix".into(), fix.into());
        }
        match self {
            ApiError::Problem(problem) => detail.extend(problem.details()),
            ApiError::Provider { description, .. } => {
                detail.insert("error_description".into(), description.clone().into());
            }
            ApiError::TooLarge { limit } => {
                detail.insert("limit".into(), (*limit).into());
            }
            _ => {}
        }
        detail
    }
}

/// The status each service problem answers with (spec §13, error codes).
fn problem_status(problem: &Problem) -> StatusCode {
    match problem {
        Problem::NotFound { .. } => StatusCode::NOT_FOUND,
        Problem::Forbidden { .. } | Problem::AdminOnly { .. } => StatusCode::FORBIDDEN,
        Problem::VersionConflict { .. } | Problem::Conflict { .. } => StatusCode::CONFLICT,
        Problem::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        Problem::BadRequest { .. } | Problem::Unfit { .. } => StatusCode::BAD_REQUEST,
        Problem::Precondition { .. } => StatusCode::PRECONDITION_FAILED,
        Problem::Upstream { .. } => StatusCode::BAD_GATEWAY,
        Problem::Refused { upstream_status, .. } => {
            StatusCode::from_u16(*upstream_status).unwrap_or(StatusCode::BAD_REQUEST)
        }
        Problem::NotConfigured { .. } => StatusCode::SERVICE_UNAVAILABLE,
        Problem::Internal(_) | Problem::Failed { .. } => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Problem(Problem::Internal(cause)) = &self {
            tracing::error!(error = %cause, "request failed");
        }
        let status = self.status();
        let mut response = (status, axum::Json(json!({"detail": self.detail()}))).into_response();
        if let ApiError::Problem(Problem::VersionConflict { current, .. }) = &self
            && let Ok(etag) = HeaderValue::from_str(&format!("\"{current}\""))
        {
            response.headers_mut().insert(header::ETAG, etag);
        }
        response
    }
}

/// The error body, for the OpenAPI document.
pub use wire::{ErrorBody, ErrorDetail};

/// A JSON request body. Rejections are API errors: no JSON content type → 415, over the size
/// limit → 413, anything that does not deserialise → 422 with the JSON pointer (and line and
/// column) of the offending value.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(&req) {
            return Err(ApiError::UnsupportedMediaType);
        }
        parse(&body(req, state).await?).map(ApiJson)
    }
}

/// Like [`ApiJson`], but an empty body (with any content type or none) is `T::default()`,
/// for bodies whose fields are all optional, such as a deploy's.
pub struct OptionalJson<T>(pub T);

impl<S, T> FromRequest<S> for OptionalJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Default,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = is_json(&req);
        let bytes = body(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(T::default()));
        }
        if !json {
            return Err(ApiError::UnsupportedMediaType);
        }
        parse(&bytes).map(OptionalJson)
    }
}

fn is_json(req: &Request) -> bool {
    req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
        v.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
    })
}

/// The whole body, within the configured limit (413 beyond it).
async fn body<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    let limit = req.extensions().get::<BodyLimit>().map_or(usize::MAX, |l| l.0);
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge { limit }
        } else {
            Problem::Invalid {
                message: rejection.body_text(),
                pointer: None,
                line: None,
                column: None,
            }
            .into()
        }
    })
}

/// The configured request body limit, put in request extensions so rejections can state it.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// Deserialises JSON, locating errors by JSON pointer, line and column.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let located = |path: Option<&serde_path_to_error::Path>, e: serde_json::Error| {
        let pointer = path.map(pointer);
        let message = match e.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                format!("malformed JSON: {}", flow_model::json_message(&e))
            }
            _ => flow_model::json_message(&e),
        };
        ApiError::from(Problem::Invalid {
            message,
            pointer,
            line: Some(e.line()),
            column: Some(e.column()),
        })
    };
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().clone();
        located(Some(&path), e.into_inner())
    })?;
    deserializer.end().map_err(|e| located(None, e))?;
    Ok(value)
}

/// A serde_path_to_error path as a JSON pointer: `content.nodes[0].type` → `/content/nodes/0/type`.
pub fn pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        out.push('/');
        match segment {
            Segment::Seq { index } => out.push_str(&index.to_string()),
            Segment::Map { key } => out.push_str(&key.replace('~', "~0").replace('/', "~1")),
            Segment::Enum { variant } => out.push_str(variant),
            Segment::Unknown => out.push('?'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        items: Vec<Item>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Item {
        count: u32,
    }

    #[test]
    fn type_errors_carry_a_json_pointer() {
        let err = parse::<Body>(br#"{"name": "x", "items": [{"count": 1}, {"count": "two"}]}"#)
            .unwrap_err();
        let detail = err.detail();
        assert_eq!(detail["error"], "invalid_request");
        assert_eq!(detail["pointer"], "/items/1/count");
        assert!(detail["message"].as_str().unwrap().contains("invalid type"), "{detail:?}");
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let err = parse::<Body>(b"{\n  \"name\": \"x\",\n  \"items\": [,]\n}").unwrap_err();
        let detail = err.detail();
        assert_eq!((detail["line"].as_u64(), detail["column"].as_u64()), (Some(3), Some(13)));
        assert!(detail["message"].as_str().unwrap().starts_with("malformed JSON"), "{detail:?}");
    }

    #[test]
    fn internal_errors_do_not_leak_their_cause() {
        let detail = ApiError::internal("disk on fire at /var/secret").detail();
        assert!(!detail["message"].as_str().unwrap().contains("secret"));
        assert_eq!(detail["error"], "internal_error");
    }
}
