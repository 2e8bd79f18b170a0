//! Tenant secrets: the ScaiGrid credentials endpoints, the local AES-256-GCM store (on SQLite
//! and, in the second run, MariaDB) and the ScaiVault store against a stand-in on loopback.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::routing::get;
use axum::{Json, Router};
use scaiflow_server::caller::Principal;
use scaiflow_server::secrets::{
    KeySource, LocalSecrets, ScaiVault, SecretError, SecretKey, SecretStore, tenant_path,
};
use serde_json::{Value, json};

use crate::{TestApp, member};

const PATH: &str = "/api/v1/tenants/me/scaigrid_credentials";

#[tokio::test]
async fn an_admin_stores_the_tenant_credential_sealed_and_sees_it_masked() {
    let app = TestApp::new().await;
    let admin = Principal::local();
    let body =
        json!({"api_key": "sgk_abcdefghijklmnop1234", "base_url": "https://grid.acme.example/"});
    let reply = app.call(Method::POST, PATH, Some(&body), &admin, &[]).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text);

    let reply = app.call(Method::GET, PATH, None, &admin, &[]).await;
    assert_eq!(
        reply.json,
        json!({"configured": true, "user_token": false, "base_url": "https://grid.acme.example", "masked_key": "sgk_…1234"})
    );
    // Other members of the tenant see that it is configured; the key never leaves the server.
    let reply = app.call(Method::GET, PATH, None, &member("usr_bob"), &[]).await;
    assert_eq!(reply.json["masked_key"], "sgk_…1234");
    assert!(!reply.text.contains("abcdefgh"));

    // At rest the key is sealed, not stored as text.
    let sealed: Vec<Vec<u8>> = scaiflow_server::with_pool!(&app.state.db, pool => {
        sqlx::query_scalar("SELECT sealed FROM secrets").fetch_all(pool).await
    })
    .unwrap();
    assert_eq!(sealed.len(), 2, "the key and the base URL");
    for value in &sealed {
        assert!(!String::from_utf8_lossy(value).contains("abcdefgh"));
        assert!(!String::from_utf8_lossy(value).contains("acme"));
    }

    // A new key replaces the old one; the base URL defaults to the public endpoint.
    let body = json!({"api_key": "sgk_zyxwvutsrqponmlk9876"});
    assert_eq!(
        app.call(Method::POST, PATH, Some(&body), &admin, &[]).await.status,
        StatusCode::NO_CONTENT
    );
    let reply = app.call(Method::GET, PATH, None, &admin, &[]).await;
    assert_eq!(reply.json["masked_key"], "sgk_…9876");
    assert_eq!(reply.json["base_url"], "https://scaigrid.scailabs.ai");
}

#[tokio::test]
async fn only_admins_may_set_it_and_bad_bodies_are_refused() {
    let app = TestApp::new().await;
    let body = json!({"api_key": "sgk_abcdefghijklmnop1234"});
    let reply = app.call(Method::POST, PATH, Some(&body), &member("usr_bob"), &[]).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.text);
    assert_eq!(reply.json["detail"]["error"], "forbidden");

    let admin = Principal::local();
    for (body, pointer) in [
        (json!({"api_key": "  "}), "/api_key"),
        (json!({"api_key": "sgk_a b"}), "/api_key"),
        (json!({"api_key": "sgk_abc", "base_url": "grid.local"}), "/base_url"),
    ] {
        let reply = app.call(Method::POST, PATH, Some(&body), &admin, &[]).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(reply.json["detail"]["pointer"], pointer);
    }
    let reply = app.call(Method::POST, PATH, Some(&json!({"key": "x"})), &admin, &[]).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Nothing was stored.
    assert_eq!(app.call(Method::GET, PATH, None, &admin, &[]).await.json["configured"], false);
}

#[tokio::test]
async fn the_server_wide_key_is_the_fallback() {
    let app = TestApp::with(&[("SCAIGRID_API_KEY", "sgk_serverwide00005678")]).await;
    let reply = app.call(Method::GET, PATH, None, &Principal::local(), &[]).await;
    assert_eq!(reply.json["masked_key"], "sgk_…5678");
    assert_eq!(reply.json["base_url"], "https://scaigrid.scailabs.ai");
}

#[tokio::test]
async fn sealed_values_open_only_under_their_key_and_path() {
    let app = TestApp::new().await;
    let file = app.dir.path().join("key");
    let store = LocalSecrets::open(app.state.db.clone(), KeySource::File(file.clone())).unwrap();
    let a = tenant_path("tnt_a", "scaigrid_api_key");
    let b = tenant_path("tnt_b", "scaigrid_api_key");
    assert_eq!(store.read(&a).await.unwrap(), None);
    assert!(!file.exists(), "the key file is created with the first secret, not before");
    store.write(&a, "sgk_for_a").await.unwrap();
    store.write(&b, "sgk_for_b").await.unwrap();
    assert!(file.exists());
    assert_eq!(store.read(&a).await.unwrap().as_deref(), Some("sgk_for_a"));

    // The same key from the file opens them again (a restart).
    let again = LocalSecrets::open(app.state.db.clone(), KeySource::File(file.clone())).unwrap();
    assert_eq!(again.read(&b).await.unwrap().as_deref(), Some("sgk_for_b"));

    // Another key does not.
    let other = LocalSecrets::open(
        app.state.db.clone(),
        KeySource::Given(SecretKey::from_hex(&"11".repeat(32)).unwrap()),
    )
    .unwrap();
    assert!(matches!(other.read(&a).await, Err(SecretError::Sealed(_))));

    // A value moved to another path does not open there.
    let (nonce, sealed): (Vec<u8>, Vec<u8>) = scaiflow_server::with_pool!(&app.state.db, pool => {
        sqlx::query_as("SELECT nonce, sealed FROM secrets WHERE path = ?").bind(&a).fetch_one(pool).await
    })
    .unwrap();
    scaiflow_server::with_pool!(&app.state.db, pool => {
        sqlx::query("UPDATE secrets SET nonce = ?, sealed = ? WHERE path = ?")
            .bind(nonce).bind(sealed).bind(&b).execute(pool).await.map(|_| ())
    })
    .unwrap();
    assert!(matches!(again.read(&b).await, Err(SecretError::Sealed(_))));

    // Paths outside ScaiVault's rules are refused.
    assert!(matches!(store.write("Tenants/x", "v").await, Err(SecretError::Path(_))));
}

/// A ScaiVault stand-in: `GET`/`PUT /v1/secrets/{path}` with a bearer token, kept in memory.
async fn fake_vault(token: &'static str) -> (String, Arc<Mutex<HashMap<String, Value>>>) {
    type Secrets = Arc<Mutex<HashMap<String, Value>>>;
    let secrets: Secrets = Arc::default();
    let authorised = move |headers: &HeaderMap| {
        headers.get("authorization").and_then(|v| v.to_str().ok())
            == Some(&format!("Bearer {token}"))
    };
    let denied = || {
        (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": {"code": "token_invalid", "message": "bad token"}})),
        )
    };
    let app = Router::new()
        .route(
            "/v1/secrets/{*path}",
            get(move |State(s): State<Secrets>, UrlPath(path): UrlPath<String>, headers: HeaderMap| async move {
                if !authorised(&headers) {
                    return denied();
                }
                match s.lock().unwrap().get(&path) {
                    Some(data) => (StatusCode::OK, Json(json!({"path": path, "version": 1, "data": data}))),
                    None => (
                        StatusCode::NOT_FOUND,
                        Json(json!({"error": {"code": "secret_not_found", "message": "no such secret"}})),
                    ),
                }
            })
            .put(move |State(s): State<Secrets>, UrlPath(path): UrlPath<String>, headers: HeaderMap, Json(body): Json<Value>| async move {
                if !authorised(&headers) {
                    return denied();
                }
                s.lock().unwrap().insert(path.clone(), body["data"].clone());
                (StatusCode::OK, Json(json!({"path": path, "version": 1})))
            }),
        )
        .with_state(secrets.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, secrets)
}

#[tokio::test]
async fn scaivault_stores_each_secret_at_its_path() {
    let (url, stored) = fake_vault("skt_test").await;
    let vault = ScaiVault::new(&url, "skt_test");
    let path = tenant_path("tnt_acme", "scaigrid_api_key");
    assert_eq!(vault.read(&path).await.unwrap(), None, "404 is no secret");
    vault.write(&path, "sgk_vaulted").await.unwrap();
    assert_eq!(stored.lock().unwrap()[&path], json!({"value": "sgk_vaulted"}));
    assert_eq!(vault.read(&path).await.unwrap().as_deref(), Some("sgk_vaulted"));

    // A refused token is an error naming ScaiVault's code.
    let wrong = ScaiVault::new(&url, "skt_wrong");
    let err = wrong.read(&path).await.unwrap_err().to_string();
    assert!(err.contains("401") && err.contains("token_invalid"), "{err}");

    // The server uses it when configured, and the endpoint round-trips through it.
    let app = TestApp::with(&[
        ("SCAIFLOW_SCAIVAULT_URL", &url),
        ("SCAIFLOW_SCAIVAULT_TOKEN", "skt_test"),
    ])
    .await;
    let body = json!({"api_key": "sgk_viaendpoint00004321"});
    let reply = app.call(Method::POST, PATH, Some(&body), &Principal::local(), &[]).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text);
    assert_eq!(
        stored.lock().unwrap()["tenants/tnt_local/scaigrid_api_key"],
        json!({"value": "sgk_viaendpoint00004321"})
    );
    let reply = app.call(Method::GET, PATH, None, &Principal::local(), &[]).await;
    assert_eq!(reply.json["masked_key"], "sgk_…4321");

    // An unreachable ScaiVault is a 502 with the documented body, not a crash.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let closed = format!("http://{closed}");
    let app =
        TestApp::with(&[("SCAIFLOW_SCAIVAULT_URL", &closed), ("SCAIFLOW_SCAIVAULT_TOKEN", "t")])
            .await;
    let reply = app.call(Method::GET, PATH, None, &Principal::local(), &[]).await;
    assert_eq!(reply.status, StatusCode::BAD_GATEWAY);
    assert_eq!(reply.json["detail"]["error"], "secret_store_failed");
}
