//! The stand-in's integration tests: one binary, the router driven in-process with `oneshot`
//! and, for the served paths, a started stand-in driven with `reqwest`.

mod auth;
mod faults;
mod models;
mod scaibunker;
mod scaicore;
mod scaiqueue;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use scaigrid_sim::{ALL_PERMISSIONS, SimConfig, SimKey};
use serde_json::Value;
use tower::ServiceExt;

pub const ACME: &str = "sgk_acme_0000000000000000000000000000";
pub const GLOBEX: &str = "sgk_globex_00000000000000000000000000";
pub const VIEWER: &str = "sgk_acme_viewer_000000000000000000000";

/// Two tenants with full keys, and a view-only key in the first.
pub fn config() -> SimConfig {
    let mut config = SimConfig::demo();
    config.keys = vec![
        SimKey::new(ACME, "tnt_acme", "acme", ALL_PERMISSIONS),
        SimKey::new(GLOBEX, "tnt_globex", "globex", ALL_PERMISSIONS),
        SimKey::new(VIEWER, "tnt_acme", "acme", &["models:list", "scaiqueue:view"]),
    ];
    config
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

/// Sends one request; `token` becomes `Authorization: Bearer <token>`.
pub async fn call(
    router: &Router,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Answer {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let body = match body {
        Some(body) => {
            request = request.header("content-type", "application/json");
            Body::from(body.to_string())
        }
        None => Body::empty(),
    };
    let response = router.clone().oneshot(request.body(body).unwrap()).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap() };
    Answer { status, headers, body }
}

pub async fn get(router: &Router, path: &str, token: &str) -> Answer {
    call(router, Method::GET, path, Some(token), None).await
}

pub async fn post(router: &Router, path: &str, token: &str, body: Value) -> Answer {
    call(router, Method::POST, path, Some(token), Some(body)).await
}

/// Asserts the error envelope of platform contract §1.3 and returns the error object.
pub fn assert_error(answer: &Answer, status: StatusCode, code: &str) -> Value {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert_eq!(answer.body["status"], "error");
    assert_eq!(answer.body["error"]["code"], code, "{}", answer.body);
    assert!(answer.body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert_request_id(answer);
    answer.body["error"].clone()
}

/// The body's `meta.request_id` equals the `x-request-id` header.
pub fn assert_request_id(answer: &Answer) {
    let header = answer.headers.get("x-request-id").unwrap().to_str().unwrap();
    assert!(header.starts_with("req_"), "{header}");
    assert_eq!(answer.body["meta"]["request_id"], header);
}
