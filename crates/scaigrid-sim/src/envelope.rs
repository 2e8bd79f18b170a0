//! ScaiGrid's error envelope (platform contract §1.3, §1.4) as one error type.
//!
//! Bodies are built here without `meta`; the frame middleware adds `meta.request_id` to every
//! enveloped body so that handlers need not know the request id.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// One field that failed validation, as in `error.details[]`.
#[derive(Debug, Clone)]
pub(crate) struct FieldError {
    pub field: String,
    pub message: String,
}

/// An error answer: HTTP status, ScaiGrid code and message.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Vec<FieldError>,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into(), details: Vec::new(), retry_after: None }
    }

    pub fn token_missing() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "AUTH_TOKEN_MISSING",
            "no Authorization header; send Authorization: Bearer <token>",
        )
    }

    pub fn token_invalid(why: &str) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "AUTH_TOKEN_INVALID", why)
    }

    pub fn permission_denied(permission: &str) -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "AUTHZ_PERMISSION_DENIED",
            format!("this key lacks {permission}"),
        )
    }

    pub fn validation(details: Vec<FieldError>) -> ApiError {
        let fields: Vec<&str> = details.iter().map(|d| d.field.as_str()).collect();
        let message = format!("request failed validation: {}", fields.join(", "));
        ApiError {
            details,
            ..ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "VALIDATION_ERROR", message)
        }
    }

    /// `422 VALIDATION_ERROR` with a message of its own.
    pub fn invalid(message: impl Into<String>, details: Vec<FieldError>) -> ApiError {
        ApiError {
            details,
            ..ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "VALIDATION_ERROR", message)
        }
    }

    /// `422 VALIDATION_ERROR` for one field.
    pub fn field(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::validation(vec![FieldError { field: field.to_owned(), message: message.into() }])
    }

    pub fn slug_conflict(what: &str, slug: &str) -> ApiError {
        ApiError::new(
            StatusCode::CONFLICT,
            "SLUG_CONFLICT",
            format!("a {what} with slug '{slug}' already exists"),
        )
    }

    /// The stand-in's answer for an unknown id; the contract names no code for it, so it uses
    /// the generic `NOT_FOUND`.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "NOT_FOUND", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = json!({"code": self.code, "message": self.message});
        if let Some(seconds) = self.retry_after {
            error["retry_after"] = json!(seconds);
        }
        if !self.details.is_empty() {
            error["details"] = self
                .details
                .iter()
                .map(|d| json!({"field": d.field, "message": d.message}))
                .collect::<Value>();
        }
        let mut response =
            (self.status, axum::Json(json!({"status": "error", "error": error}))).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// Success envelope `{"data": ...}` with `status` 200.
pub(crate) fn data(value: Value) -> Response {
    axum::Json(json!({"data": value})).into_response()
}

/// Success envelope `{"data": ...}` with `status` 201.
pub(crate) fn created(value: Value) -> Response {
    (StatusCode::CREATED, axum::Json(json!({"data": value}))).into_response()
}

pub(crate) async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(format!("the stand-in has no endpoint {}", uri.path()))
}

pub(crate) async fn method_not_allowed(method: axum::http::Method) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        format!("method {method} is not served here"),
    )
}

/// Parses a JSON object body, turning anything else into `VALIDATION_ERROR`.
pub(crate) fn object_body(body: &[u8]) -> Result<serde_json::Map<String, Value>, ApiError> {
    let invalid = |message: String| {
        ApiError::validation(vec![FieldError { field: "body".to_owned(), message }])
    };
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(invalid("expected a JSON object".to_owned())),
        Err(e) => Err(invalid(format!("not valid JSON: {e}"))),
    }
}
