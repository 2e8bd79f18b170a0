//! Interrupted saves: a save steps over a version number whose object is already taken, and the
//! sweep removes objects no version row points at.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use bytes::Bytes;
use scaiflow_server::caller::Principal;
use scaiflow_server::flows::content;
use serde_json::json;

use crate::{TestApp, example};

#[tokio::test]
async fn saves_step_over_abandoned_objects_and_the_sweep_removes_them() {
    let app = TestApp::new().await;
    let me = Principal::local();
    let created = app
        .call(
            Method::POST,
            "/api/v1/flows",
            Some(&json!({"name": "Swept", "content": example()})),
            &me,
            &[],
        )
        .await;
    let id = created.json["id"].as_str().unwrap().to_owned();
    let store = app.state.objects.as_ref();

    // What a save killed between writing its object and committing would leave.
    let abandoned = content::key("tnt_local", &id, "1.0.1");
    assert_eq!(
        content::create(store, &abandoned, Bytes::from_static(br#"{"half": true}"#)).await.unwrap(),
        content::Created::Stored
    );

    let mut edited = example();
    edited["nodes"][1]["label"] = json!("after the crash");
    let saved = app
        .call(
            Method::PUT,
            &format!("/api/v1/flows/{id}"),
            Some(&json!({"content": edited})),
            &me,
            &[],
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    assert_eq!(saved.json["version"], "1.0.2", "1.0.1 is taken by the abandoned object");

    // Young orphans are left alone (a save may be between its two steps right now).
    assert_eq!(
        content::sweep_orphans(&app.state.db, store, Duration::from_secs(3600)).await.unwrap(),
        0
    );
    assert_eq!(content::sweep_orphans(&app.state.db, store, Duration::ZERO).await.unwrap(), 1);
    assert!(store.head(&abandoned).await.is_err(), "the orphan is gone");
    for version in ["1.0.0", "1.0.2"] {
        assert!(
            store.head(&content::key("tnt_local", &id, version)).await.is_ok(),
            "{version} is kept"
        );
    }
}
