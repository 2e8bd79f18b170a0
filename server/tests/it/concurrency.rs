//! Concurrent saves of one flow: exactly one wins per version, the others are told so, and no
//! version number is ever used twice.

use std::collections::HashSet;

use axum::http::{Method, StatusCode};
use scaiflow_server::auth::Principal;
use serde_json::json;

use crate::{TestApp, example};

const WRITERS: usize = 8;
const ROUNDS: usize = 6;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_writer_wins_each_version() {
    let app = TestApp::new().await;
    let me = Principal::local();
    let created = app
        .call(
            Method::POST,
            "/api/v1/flows",
            Some(&json!({"name": "Contended", "content": example()})),
            &me,
            &[],
        )
        .await;
    let id = created.json["id"].as_str().unwrap().to_owned();
    let mut version = "1.0.0".to_owned();

    for round in 0..ROUNDS {
        let tasks: Vec<_> = (0..WRITERS)
            .map(|writer| {
                let router = app.router();
                let (id, version) = (id.clone(), version.clone());
                tokio::spawn(async move {
                    let mut content = example();
                    content["nodes"][1]["label"] = json!(format!("round {round} writer {writer}"));
                    crate::send(
                        router,
                        Method::PUT,
                        &format!("/api/v1/flows/{id}"),
                        json!({"content": content}),
                        &[("If-Match", &format!("\"{version}\""))],
                    )
                    .await
                })
            })
            .collect();
        let mut winners = Vec::new();
        for task in tasks {
            let (status, body) = task.await.unwrap();
            match status {
                StatusCode::OK => winners.push(body),
                StatusCode::CONFLICT => {
                    assert_eq!(body["detail"]["error"], "version_conflict");
                }
                other => panic!("unexpected {other}: {body}"),
            }
        }
        assert_eq!(winners.len(), 1, "round {round}: exactly one save wins");
        let won = winners[0]["version"].as_str().unwrap().to_owned();
        let current = app.call(Method::GET, &format!("/api/v1/flows/{id}"), None, &me, &[]).await;
        assert_eq!(current.json["version"], won.as_str());
        assert_eq!(
            current.json["content"]["nodes"][1]["label"],
            winners[0]["content"]["nodes"][1]["label"],
            "the winner's content is what is stored"
        );
        version = won;
    }

    let versions =
        app.call(Method::GET, &format!("/api/v1/flows/{id}/versions"), None, &me, &[]).await;
    let numbers: Vec<&str> = versions.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_str().unwrap())
        .collect();
    assert_eq!(numbers.len(), ROUNDS + 1, "{numbers:?}");
    let unique: HashSet<&&str> = numbers.iter().collect();
    assert_eq!(unique.len(), numbers.len(), "no version number twice: {numbers:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn without_if_match_every_save_is_applied() {
    let app = TestApp::new().await;
    let me = Principal::local();
    let created = app
        .call(
            Method::POST,
            "/api/v1/flows",
            Some(&json!({"name": "Last writer", "content": example()})),
            &me,
            &[],
        )
        .await;
    let id = created.json["id"].as_str().unwrap().to_owned();
    let tasks: Vec<_> = (0..4)
        .map(|writer| {
            let router = app.router();
            let id = id.clone();
            tokio::spawn(async move {
                let mut content = example();
                content["nodes"][1]["label"] = json!(format!("writer {writer}"));
                crate::send(
                    router,
                    Method::PUT,
                    &format!("/api/v1/flows/{id}"),
                    json!({"content": content}),
                    &[],
                )
                .await
            })
        })
        .collect();
    for task in tasks {
        let (status, body) = task.await.unwrap();
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let versions =
        app.call(Method::GET, &format!("/api/v1/flows/{id}/versions"), None, &me, &[]).await;
    assert_eq!(versions.json["total"], 5);
}
