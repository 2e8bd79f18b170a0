//! Authentication, permissions, the stand-in header and the envelope of every answer.

use axum::http::{Method, StatusCode};
use scaigrid_sim::{SimConfig, router};

use crate::{ACME, VIEWER, assert_error, assert_request_id, call, config, get, post};

#[tokio::test]
async fn health_needs_no_token_and_says_it_is_a_stand_in() {
    let router = router(SimConfig::demo());
    let answer = call(&router, Method::GET, "/health", None, None).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.headers["x-scaigrid-sim"], "test stand-in, not ScaiGrid");
    assert_request_id(&answer);
}

#[tokio::test]
async fn a_missing_token_is_auth_token_missing() {
    let router = router(config());
    let answer = call(&router, Method::GET, "/v1/models", None, None).await;
    assert_error(&answer, StatusCode::UNAUTHORIZED, "AUTH_TOKEN_MISSING");
    assert_eq!(answer.headers["x-scaigrid-sim"], "test stand-in, not ScaiGrid");
}

#[tokio::test]
async fn an_unknown_token_is_auth_token_invalid() {
    let router = router(config());
    let answer = get(&router, "/v1/modules/scaiqueue/scopes", "sgk_nobody").await;
    assert_error(&answer, StatusCode::UNAUTHORIZED, "AUTH_TOKEN_INVALID");
}

#[tokio::test]
async fn a_token_without_bearer_is_rejected() {
    let router = router(config());
    let request = axum::http::Request::builder()
        .uri("/v1/models")
        .header("authorization", ACME)
        .body(axum::body::Body::empty())
        .unwrap();
    let response = tower::ServiceExt::oneshot(router, request).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_missing_permission_is_named_in_the_message() {
    let router = router(config());
    let answer =
        post(&router, "/v1/modules/scaiqueue/scopes", VIEWER, serde_json::json!({"slug": "x"}))
            .await;
    let error = assert_error(&answer, StatusCode::FORBIDDEN, "AUTHZ_PERMISSION_DENIED");
    assert_eq!(error["message"], "this key lacks scaiqueue:manage");

    let answer = get(&router, "/v1/modules/scaibunker/bunkers", VIEWER).await;
    let error = assert_error(&answer, StatusCode::FORBIDDEN, "AUTHZ_PERMISSION_DENIED");
    assert_eq!(error["message"], "this key lacks scaibunker:view");
}

#[tokio::test]
async fn success_bodies_carry_data_and_the_request_id() {
    let router = router(config());
    let first = get(&router, "/v1/modules/scaiqueue/scopes", VIEWER).await;
    let second = get(&router, "/v1/modules/scaiqueue/scopes", VIEWER).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body["data"].is_array());
    assert_request_id(&first);
    assert_ne!(first.body["meta"]["request_id"], second.body["meta"]["request_id"]);
}

#[tokio::test]
async fn unknown_paths_answer_the_error_envelope() {
    let router = router(config());
    let answer = get(&router, "/v1/nothing-here", ACME).await;
    assert_error(&answer, StatusCode::NOT_FOUND, "NOT_FOUND");
}
