//! Server tests: the real application driven in-process with `oneshot`, and the binary run as a
//! process.
//!
//! Storage is a throwaway SQLite file and directory by default. With `SCAIFLOW_TEST_MYSQL_URL`
//! (a MariaDB/MySQL URL of a user who may create databases) every test gets a fresh database
//! there instead; with `SCAIFLOW_TEST_S3_BUCKET` (and the usual `AWS_*` variables) every test
//! gets a fresh prefix in that bucket. `scripts/test.sh` runs the suite both ways.

mod acls;
mod admin;
mod api_errors;
mod api_flows;
mod api_openapi;
mod api_preview;
mod concurrency;
mod crash;
mod deploy;
mod health;
mod isolation;
mod lookups;
mod oidc;
mod pages;
mod process;
mod secrets;
mod storage;
mod sweep;
mod sync;
mod webhooks;

use std::collections::HashMap;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use scaiflow_server::caller::{AdminRole, Principal};
use scaiflow_server::config::Config;
use scaiflow_server::site::router;
use scaiflow_server::state::AppState;
use serde_json::Value;
use tempfile::TempDir;
use tower::ServiceExt;

/// A running application and the directory holding its local storage (removed on drop).
struct TestApp {
    state: AppState,
    dir: TempDir,
}

/// A response, its body parsed as JSON when it is JSON.
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    json: Value,
    text: String,
}

impl TestApp {
    async fn new() -> TestApp {
        Self::with(&[]).await
    }

    /// An app with extra configuration variables.
    async fn with(vars: &[(&str, &str)]) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = config_vars(&dir).await;
        for (k, v) in vars {
            config.insert((*k).to_owned(), (*v).to_owned());
        }
        let config = Config::from_vars(&config).expect("valid test configuration");
        let state = AppState::open(config).await.expect("state opens");
        TestApp { state, dir }
    }

    /// An app on SQLite and a local directory whatever the environment says, for tests about
    /// those two in particular.
    async fn local() -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let state = AppState::open(config_in(&dir)).await.expect("state opens");
        TestApp { state, dir }
    }

    fn router(&self) -> Router {
        router(self.state.clone())
    }

    async fn get(&self, uri: &str) -> (StatusCode, String, Option<String>) {
        let reply = self.call(Method::GET, uri, None, &Principal::local(), &[]).await;
        let content_type = reply
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        (reply.status, reply.text, content_type)
    }

    /// Sends a request as `principal` with an optional JSON body and extra headers.
    async fn call(
        &self,
        method: Method,
        uri: &str,
        body: Option<&Value>,
        principal: &Principal,
        headers: &[(&str, &str)],
    ) -> Reply {
        self.send(method, uri, body, Some(principal), headers).await
    }

    /// Sends a request that says who it is only through its headers (a bearer token), or not
    /// at all.
    async fn anonymous(
        &self,
        method: Method,
        uri: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        self.send(method, uri, body, None, headers).await
    }

    async fn send(
        &self,
        method: Method,
        uri: &str,
        body: Option<&Value>,
        principal: Option<&Principal>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let body = match body {
            Some(json) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(serde_json::to_vec(json).unwrap())
            }
            None => Body::empty(),
        };
        let mut request = request.body(body).expect("request");
        if let Some(principal) = principal {
            request.extensions_mut().insert(principal.clone());
        }
        let response = self.router().oneshot(request).await.expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply { status, headers, json, text }
    }
}

/// Storage settings for one test: SQLite and a directory in `dir`, or fresh MariaDB / S3 space
/// when the environment names them.
async fn config_vars(dir: &TempDir) -> HashMap<String, String> {
    let mut vars: HashMap<String, String> = HashMap::new();
    let unique = uuid::Uuid::new_v4().simple().to_string();
    let db_url = match std::env::var("SCAIFLOW_TEST_MYSQL_URL") {
        Ok(admin) => mysql_database(&admin, &format!("t_{unique}")).await,
        Err(_) => format!("sqlite://{}/scaiflow.db", dir.path().display()),
    };
    vars.insert("SCAIFLOW_DB_URL".into(), db_url);
    let store = match std::env::var("SCAIFLOW_TEST_S3_BUCKET") {
        Ok(bucket) => {
            for (k, v) in std::env::vars().filter(|(k, _)| k.starts_with("AWS_")) {
                vars.insert(k, v);
            }
            format!("s3://{bucket}/{unique}")
        }
        Err(_) => format!("file://{}/data", dir.path().display()),
    };
    vars.insert("SCAIFLOW_OBJECT_STORE".into(), store);
    vars.insert("SCAIFLOW_SECRET_KEY_FILE".into(), format!("{}/secret.key", dir.path().display()));
    vars
}

/// Creates database `name` on the server at `server_url` (a URL without a database, of a user
/// who may create databases) and returns the URL of the new database.
async fn mysql_database(server_url: &str, name: &str) -> String {
    use sqlx::Connection;
    let mut admin = sqlx::MySqlConnection::connect(server_url).await.expect("MariaDB reachable");
    sqlx::query(&format!(
        "CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    ))
    .execute(&mut admin)
    .await
    .expect("create test database");
    format!("{}/{name}", server_url.trim_end_matches('/'))
}

/// Configuration pointing the database and the object store into `dir` (always local).
fn config_in(dir: &TempDir) -> Config {
    let vars: HashMap<String, String> = [
        ("SCAIFLOW_DB_URL".to_string(), format!("sqlite://{}/scaiflow.db", dir.path().display())),
        ("SCAIFLOW_OBJECT_STORE".to_string(), format!("file://{}/data", dir.path().display())),
        ("SCAIFLOW_SECRET_KEY_FILE".to_string(), format!("{}/secret.key", dir.path().display())),
    ]
    .into();
    Config::from_vars(&vars).expect("valid test configuration")
}

/// A user of the local tenant with no admin role.
fn member(user: &str) -> Principal {
    Principal {
        user_id: user.into(),
        tenant_id: "tnt_local".into(),
        admin_role: None,
        groups: Vec::new(),
        scopes: vec!["scaicore:view".into(), "scaicore:manage".into()],
        token: None,
    }
}

/// A tenant admin of another tenant: an admin, but not here.
fn other_tenant() -> Principal {
    Principal {
        user_id: "usr_other".into(),
        tenant_id: "tnt_other".into(),
        admin_role: Some(AdminRole::TenantAdmin),
        groups: Vec::new(),
        scopes: vec!["scaicore:view".into(), "scaicore:manage".into()],
        token: None,
    }
}

/// The bundled example flow as a request value.
fn example() -> Value {
    serde_json::from_str(flow_model::EXAMPLES[0].json).unwrap()
}

/// Sends a JSON request through `router` as the local user; for concurrent tasks, which cannot
/// borrow the app.
async fn send(
    router: Router,
    method: Method,
    uri: &str,
    body: Value,
    headers: &[(&str, &str)],
) -> (StatusCode, Value) {
    let mut request =
        Request::builder().method(method).uri(uri).header(header::CONTENT_TYPE, "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut request = request.body(Body::from(serde_json::to_vec(&body).unwrap())).unwrap();
    request.extensions_mut().insert(Principal::local());
    let response = router.oneshot(request).await.expect("infallible");
    let status = response.status();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// The configuration `process::server` gives the binary for `dir`, to inspect its storage.
fn process_config(dir: &std::path::Path) -> Config {
    let vars: HashMap<String, String> = [
        ("SCAIFLOW_DB_URL".to_string(), format!("sqlite://{}/db.sqlite", dir.display())),
        ("SCAIFLOW_OBJECT_STORE".to_string(), format!("file://{}/data", dir.display())),
    ]
    .into();
    Config::from_vars(&vars).expect("valid test configuration")
}
