//! Router tests: the real application, driven in-process with `oneshot` against a throwaway
//! SQLite database and object-store directory.

mod health;
mod pages;
mod process;
mod storage;

use std::collections::HashMap;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use scaiflow_server::{AppState, Config, router};
use tempfile::TempDir;
use tower::ServiceExt;

/// A running application and the directory holding its storage (removed on drop).
struct TestApp {
    state: AppState,
    dir: TempDir,
}

impl TestApp {
    async fn new() -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let state = AppState::open(config_in(&dir)).await.expect("state opens");
        TestApp { state, dir }
    }

    fn router(&self) -> Router {
        router(self.state.clone())
    }

    async fn get(&self, uri: &str) -> (StatusCode, String, Option<String>) {
        let request = Request::get(uri).body(Body::empty()).expect("request");
        let response = self.router().oneshot(request).await.expect("infallible");
        let status = response.status();
        let content_type =
            response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        (status, String::from_utf8_lossy(&bytes).into_owned(), content_type)
    }
}

/// Configuration pointing the database and the object store into `dir`.
fn config_in(dir: &TempDir) -> Config {
    let vars: HashMap<String, String> = [
        ("SCAIFLOW_DB_URL".to_string(), format!("sqlite://{}/scaiflow.db", dir.path().display())),
        ("SCAIFLOW_OBJECT_STORE".to_string(), format!("file://{}/data", dir.path().display())),
    ]
    .into();
    Config::from_vars(&vars).expect("valid test configuration")
}
