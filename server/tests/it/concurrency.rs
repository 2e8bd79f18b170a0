//! Concurrent saves of one flow: exactly one wins per version, the others are told so, and no
//! version number is ever used twice.

use std::collections::HashSet;

use axum::Router;
use axum::http::{Method, StatusCode};
use scaiflow_server::caller::Principal;
use serde_json::{Value, json};

use crate::{TestApp, example};

async fn create(app: &TestApp, name: &str) -> String {
    let body = json!({"name": name, "content": example()});
    let created =
        app.call(Method::POST, "/api/v1/flows", Some(&body), &Principal::local(), &[]).await;
    created.json["id"].as_str().unwrap().to_owned()
}

/// Sends one save per router at once (each with a distinct label, and `If-Match` when a version
/// is given); returns the bodies of the saves that succeeded. Conflicts must be
/// `version_conflict`; anything else fails the test.
async fn race(routers: Vec<Router>, id: &str, if_match: Option<&str>, round: usize) -> Vec<Value> {
    let tasks: Vec<_> = routers
        .into_iter()
        .enumerate()
        .map(|(writer, router)| {
            let uri = format!("/api/v1/flows/{id}");
            let header = if_match.map(|v| format!("\"{v}\""));
            tokio::spawn(async move {
                let mut content = example();
                content["nodes"][1]["label"] = json!(format!("round {round} writer {writer}"));
                let headers: Vec<(&str, &str)> =
                    header.iter().map(|h| ("If-Match", h.as_str())).collect();
                crate::send(router, Method::PUT, &uri, json!({"content": content}), &headers).await
            })
        })
        .collect();
    let mut winners = Vec::new();
    for task in tasks {
        let (status, body) = task.await.unwrap();
        match status {
            StatusCode::OK => winners.push(body),
            StatusCode::CONFLICT => assert_eq!(body["detail"]["error"], "version_conflict"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    winners
}

/// The flow's version numbers, checked to be all different.
async fn distinct_versions(app: &TestApp, id: &str) -> Vec<String> {
    let reply = app
        .call(Method::GET, &format!("/api/v1/flows/{id}/versions"), None, &Principal::local(), &[])
        .await;
    let numbers: Vec<String> = reply.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_str().unwrap().to_owned())
        .collect();
    let unique: HashSet<&String> = numbers.iter().collect();
    assert_eq!(unique.len(), numbers.len(), "no version number twice: {numbers:?}");
    numbers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_writer_wins_each_version() {
    let app = TestApp::new().await;
    let id = create(&app, "Contended").await;
    let mut version = "1.0.0".to_owned();
    for round in 0..6 {
        let winners =
            race((0..8).map(|_| app.router()).collect(), &id, Some(&version), round).await;
        assert_eq!(winners.len(), 1, "round {round}: exactly one save wins");
        let current = app
            .call(Method::GET, &format!("/api/v1/flows/{id}"), None, &Principal::local(), &[])
            .await;
        assert_eq!(current.json["version"], winners[0]["version"]);
        assert_eq!(
            current.json["content"]["nodes"][1]["label"],
            winners[0]["content"]["nodes"][1]["label"],
            "the winner's content is what is stored"
        );
        version = winners[0]["version"].as_str().unwrap().to_owned();
    }
    assert_eq!(distinct_versions(&app, &id).await.len(), 7);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn without_if_match_every_save_is_applied() {
    let app = TestApp::new().await;
    let id = create(&app, "Last writer").await;
    let winners = race((0..4).map(|_| app.router()).collect(), &id, None, 0).await;
    assert_eq!(winners.len(), 4);
    assert_eq!(distinct_versions(&app, &id).await.len(), 5);
}

/// Two server instances on the same database and store do not share save queues: the
/// conditional update alone decides, and still exactly one save wins each version.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_still_let_one_writer_win_each_version() {
    let app = TestApp::new().await;
    let twin = scaiflow_server::state::AppState::open((*app.state.config).clone()).await.unwrap();
    let id = create(&app, "Twins").await;
    let mut version = "1.0.0".to_owned();
    for round in 0..4 {
        let routers = (0..6)
            .map(|writer| {
                if writer % 2 == 0 {
                    app.router()
                } else {
                    scaiflow_server::site::router(twin.clone())
                }
            })
            .collect();
        let winners = race(routers, &id, Some(&version), round).await;
        assert_eq!(winners.len(), 1, "round {round}");
        version = winners[0]["version"].as_str().unwrap().to_owned();
    }
    assert_eq!(distinct_versions(&app, &id).await.len(), 5);
}
