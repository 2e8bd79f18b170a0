//! `GET /healthz` reports each dependency and turns 503 when one fails.

use axum::http::StatusCode;
use serde_json::Value;

use crate::TestApp;

#[tokio::test]
async fn healthy_storage_reports_ok() {
    let app = TestApp::new().await;
    let (status, body, content_type) = app.get("/healthz").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(content_type.as_deref(), Some("application/json"));
    let report: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(report["status"], "ok");
    assert_eq!(report["checks"]["database"]["status"], "ok");
    assert_eq!(report["checks"]["database"]["backend"], app.state.db.backend());
    assert_eq!(report["checks"]["object_store"]["status"], "ok");
    assert_eq!(
        report["checks"]["object_store"]["backend"],
        app.state.config.object_store.backend()
    );
    assert!(report["checks"]["database"]["latency_ms"].is_number());
    assert!(report["checks"]["database"].get("error").is_none());
}

#[tokio::test]
async fn an_unreachable_database_is_503_with_the_reason() {
    let app = TestApp::new().await;
    app.state.db.close().await;
    let (status, body, _) = app.get("/healthz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    let report: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(report["status"], "error");
    assert_eq!(report["checks"]["database"]["status"], "error");
    assert!(report["checks"]["database"]["error"].as_str().unwrap().contains("closed"), "{body}");
    assert_eq!(report["checks"]["object_store"]["status"], "ok");
}

#[tokio::test]
async fn an_unreadable_object_store_is_503() {
    let app = TestApp::local().await;
    // Replace the store's directory by a file: listing it now fails.
    let data = app.dir.path().join("data");
    std::fs::remove_dir_all(&data).unwrap();
    std::fs::write(&data, b"not a directory").unwrap();
    let (status, body, _) = app.get("/healthz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    let report: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(report["checks"]["object_store"]["status"], "error");
    assert_eq!(report["checks"]["database"]["status"], "ok");
}
