//! The error contract: `{"detail": {"error", "message", ...}}` with the documented statuses.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use scaiflow_server::caller::Principal;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::{TestApp, example};

/// Sends raw bytes as the body of `POST /api/v1/flows`.
async fn post_raw(app: &TestApp, content_type: Option<&str>, body: Vec<u8>) -> (StatusCode, Value) {
    let mut request = Request::post("/api/v1/flows");
    if let Some(content_type) = content_type {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    let mut request = request.body(Body::from(body)).unwrap();
    request.extensions_mut().insert(Principal::local());
    let response = app.router().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_body_that_is_not_a_flow_is_422_with_its_pointer() {
    let app = TestApp::new().await;
    let mut content = example();
    content["nodes"][2]["type"] = json!("entry_chat");
    let body = json!({"name": "x", "content": content});
    let (status, reply) =
        post_raw(&app, Some("application/json"), serde_json::to_vec(&body).unwrap()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{reply}");
    assert_eq!(reply["detail"]["error"], "invalid_request");
    assert_eq!(reply["detail"]["pointer"], "/content/nodes/2/type");
    assert!(reply["detail"]["message"].as_str().unwrap().contains("entry_chat"), "{reply}");

    let (status, reply) = post_raw(
        &app,
        Some("application/json"),
        br#"{"name": "", "content": {"id": "a", "name": "b", "version": "1.0.0"}}"#.to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply["detail"]["pointer"], "/name");

    let (status, reply) = post_raw(
        &app,
        Some("application/json"),
        br#"{"name": "x", "content": {}, "colour": 1}"#.to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{reply}");
}

#[tokio::test]
async fn malformed_json_is_422_with_line_and_column() {
    let app = TestApp::new().await;
    let (status, reply) = post_raw(
        &app,
        Some("application/json"),
        b"{\n  \"name\": \"x\",\n  \"content\": {,}\n}".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{reply}");
    assert_eq!(
        (reply["detail"]["line"].as_u64(), reply["detail"]["column"].as_u64()),
        (Some(3), Some(15))
    );
    assert!(reply["detail"]["message"].as_str().unwrap().starts_with("malformed JSON"), "{reply}");
}

#[tokio::test]
async fn bodies_over_the_limit_are_413_and_non_json_is_415() {
    let app = TestApp::with(&[("SCAIFLOW_MAX_BODY_BYTES", "2048")]).await;
    let big = json!({"name": "x", "content": {"id": "a", "name": "b", "version": "1.0.0", "metadata": {"description": "y".repeat(4096)}}});
    let (status, reply) =
        post_raw(&app, Some("application/json"), serde_json::to_vec(&big).unwrap()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{reply}");
    assert_eq!(reply["detail"]["error"], "payload_too_large");
    assert_eq!(reply["detail"]["limit"], 2048);

    let (status, reply) = post_raw(&app, Some("text/plain"), b"{}".to_vec()).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(reply["detail"]["error"], "unsupported_media_type");
    let (status, _) = post_raw(&app, None, b"{}".to_vec()).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn unknown_flows_and_endpoints_are_json_404s() {
    let app = TestApp::new().await;
    let me = Principal::local();
    let flow = app.call(Method::GET, "/api/v1/flows/flow_nope", None, &me, &[]).await;
    assert_eq!(flow.status, StatusCode::NOT_FOUND);
    assert_eq!(flow.json["detail"]["error"], "not_found");
    assert_eq!(flow.json["detail"]["message"], "flow 'flow_nope' not found");
    let endpoint = app.call(Method::GET, "/api/v1/nothing/here", None, &me, &[]).await;
    assert_eq!(endpoint.status, StatusCode::NOT_FOUND);
    assert_eq!(endpoint.json["detail"]["error"], "not_found");
    let put = app
        .call(Method::PUT, "/api/v1/flows/flow_nope", Some(&json!({"name": "x"})), &me, &[])
        .await;
    assert_eq!(put.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn scaikey_mode_without_a_session_is_401() {
    let app = TestApp::with(&[
        ("SCAIKEY_BASE_URL", "https://scaikey.example"),
        ("SCAIFLOW_SCAIKEY_CLIENT_ID", "client"),
        ("SCAIFLOW_SCAIKEY_CLIENT_SECRET", "secret"),
    ])
    .await;
    let response = app
        .router()
        .oneshot(Request::get("/api/v1/flows").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let reply: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(reply["detail"]["error"], "unauthorized");
}
