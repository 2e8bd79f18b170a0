//! What wraps every request: request ids, the stand-in header, request counts and faults.

use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::envelope::ApiError;
use crate::state::Shared;

/// The header every response carries so nobody mistakes the stand-in for ScaiGrid.
pub const SIM_HEADER: &str = "x-scaigrid-sim";
const SIM_HEADER_VALUE: &str = "test stand-in, not ScaiGrid";
const REQUEST_ID_HEADER: &str = "x-request-id";

/// Bodies larger than this are not rewritten (none of the stand-in's are).
const MAX_REWRITE: usize = 16 * 1024 * 1024;

/// A failure [`crate::SimControl::fail_next`] can inject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// `429 RATE_LIMITED` with `error.retry_after` and a `Retry-After` header, in seconds.
    RateLimited { retry_after_s: u64 },
    /// `503 MODEL_UNAVAILABLE`.
    ModelUnavailable,
    /// `422 VALIDATION_ERROR` with a message starting `verifier error: `, as ScaiGrid answers a
    /// Core whose source its verifier rejects (for `POST /v1/modules/scaicore/cores`).
    VerifierError,
}

impl Fault {
    fn error(self) -> ApiError {
        match self {
            Fault::RateLimited { retry_after_s } => ApiError {
                retry_after: Some(retry_after_s),
                ..ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "RATE_LIMITED",
                    format!("rate limit exceeded (injected); retry after {retry_after_s} s"),
                )
            },
            Fault::ModelUnavailable => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "MODEL_UNAVAILABLE",
                "all backends unhealthy (injected); retry later",
            ),
            Fault::VerifierError => ApiError::invalid(
                "verifier error: E400 non-deterministic operation in a rigid block \
                 (injected by the stand-in)",
                vec![crate::envelope::FieldError {
                    field: "source".to_owned(),
                    message: "E400 non-deterministic operation in a rigid block".to_owned(),
                }],
            ),
        }
    }
}

/// Counts the request, answers an injected fault if one is due, otherwise serves it; then adds
/// `meta.request_id` to an enveloped JSON body and sets the `x-request-id` and stand-in headers.
pub(crate) async fn frame(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let (request_id, fault) = shared.arrive(&path);
    let response = match fault {
        Some(fault) => fault.error().into_response(),
        None => next.run(request).await,
    };
    let mut response = with_meta(response, &request_id).await;
    let headers = response.headers_mut();
    headers.insert(HeaderName::from_static(SIM_HEADER), HeaderValue::from_static(SIM_HEADER_VALUE));
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        headers.insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
    response
}

/// Adds `meta.request_id` to a JSON body that is a ScaiGrid envelope (has `data` or `error`);
/// an OpenAI-style body (has `object`) is left as OpenAI would send it.
async fn with_meta(response: Response, request_id: &str) -> Response {
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_REWRITE).await else {
        tracing::warn!("scaigrid-sim could not buffer a response body");
        return Response::from_parts(parts, Body::empty());
    };
    let Ok(Value::Object(mut map)) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let enveloped =
        (map.contains_key("data") || map.contains_key("error")) && !map.contains_key("object");
    if !enveloped {
        return Response::from_parts(parts, Body::from(bytes));
    }
    map.insert("meta".to_owned(), json!({"request_id": request_id}));
    let body = Value::Object(map).to_string();
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}
