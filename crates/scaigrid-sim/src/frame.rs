//! What wraps every request: request ids, the stand-in header, request counts and faults.

use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::state::Shared;

/// The header every response carries so nobody mistakes the stand-in for ScaiGrid.
pub const SIM_HEADER: &str = "x-scaigrid-sim";
const SIM_HEADER_VALUE: &str = "test stand-in, not ScaiGrid";
const REQUEST_ID_HEADER: &str = "x-request-id";

/// Bodies larger than this are not rewritten (none of the stand-in's are).
const MAX_REWRITE: usize = 16 * 1024 * 1024;

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
