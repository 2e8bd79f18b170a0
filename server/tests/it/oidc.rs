//! ScaiKey sign-in: bearer tokens verified against the provider's JWKS (the attack matrix),
//! scopes, the principal a token names, and the BFF exchange and refresh with their errors.
//!
//! The provider here is a small discovery / JWKS / token endpoint on loopback that signs with
//! the throwaway keys in `tests/fixtures`; the browser tests sign in against a full OpenID
//! provider.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use super::{Reply, TestApp, example};

const CLIENT: &str = "scaiflow-client";
const SECRET: &str = "client-secret-never-shown";
const RSA: &[u8] = include_bytes!("../fixtures/oidc-rsa.pem");
const RSA_OTHER: &[u8] = include_bytes!("../fixtures/oidc-rsa-other.pem");
const EC: &[u8] = include_bytes!("../fixtures/oidc-ec.pem");

fn jwk(file: &str, kid: &str) -> Value {
    let path = format!("{}/tests/fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
    let mut key: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    key["kid"] = kid.into();
    key["use"] = "sig".into();
    key
}

/// The provider's state: its JWKS (tests rotate it) and how often the JWKS was fetched.
#[derive(Clone)]
struct Provider {
    issuer: String,
    jwks: Arc<RwLock<Vec<Value>>>,
    jwks_fetches: Arc<AtomicUsize>,
}

async fn provider() -> Provider {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let provider = Provider {
        issuer,
        jwks: Arc::new(RwLock::new(vec![
            jwk("oidc-rsa.pub.jwk.json", "k1"),
            jwk("oidc-ec.pub.jwk.json", "k2"),
        ])),
        jwks_fetches: Arc::new(AtomicUsize::new(0)),
    };
    let app = Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/jwks", get(jwks))
        .route("/token", post(token))
        .with_state(provider.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    provider
}

async fn discovery(State(p): State<Provider>) -> Json<Value> {
    Json(json!({
        "issuer": p.issuer,
        "authorization_endpoint": format!("{}/authorize", p.issuer),
        "token_endpoint": format!("{}/token", p.issuer),
        "jwks_uri": format!("{}/jwks", p.issuer),
        "end_session_endpoint": format!("{}/logout", p.issuer),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "ES256"],
    }))
}

async fn jwks(State(p): State<Provider>) -> Json<Value> {
    p.jwks_fetches.fetch_add(1, Ordering::SeqCst);
    Json(json!({ "keys": *p.jwks.read().unwrap() }))
}

/// The token endpoint: code `good` and refresh token `r1` succeed; `used` is refused the way
/// ScaiKey refuses a reused code; `down` fails the way a provider in trouble does.
async fn token(
    State(p): State<Provider>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT}:{SECRET}"))
    );
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(basic.as_str()) {
        return (StatusCode::UNAUTHORIZED, Json(json!({"error": "invalid_client"})))
            .into_response();
    }
    let refused = |description: &str| {
        (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid_grant", "error_description": description})),
        )
            .into_response()
    };
    let tokens = |refresh: &str| {
        let claims = Claims::for_user("usr_alice", "tnt_acme", &p.issuer);
        let mut id = claims.clone();
        id.0.insert("email".into(), "alice@acme.example".into());
        id.0.insert("name".into(), "Alice Johnson".into());
        Json(json!({
            "access_token": sign(Algorithm::RS256, "k1", RSA, &claims),
            "id_token": sign(Algorithm::RS256, "k1", RSA, &id),
            "refresh_token": refresh,
            "token_type": "Bearer",
            "expires_in": 3600,
        }))
        .into_response()
    };
    match (form.get("grant_type").map(String::as_str), form.get("code"), form.get("refresh_token"))
    {
        (Some("authorization_code"), Some(code), _) => {
            if form.get("code_verifier").is_none_or(|v| v.is_empty()) {
                return refused("PKCE verifier missing");
            }
            match code.as_str() {
                "good" => tokens("r1"),
                "used" => refused("code already used"),
                "down" => {
                    (StatusCode::SERVICE_UNAVAILABLE, "<html>maintenance</html>").into_response()
                }
                _ => refused("unknown code"),
            }
        }
        (Some("refresh_token"), _, Some(token)) if token == "r1" => tokens("r2"),
        (Some("refresh_token"), _, Some(_)) => refused("refresh token already used"),
        _ => (StatusCode::BAD_REQUEST, Json(json!({"error": "unsupported_grant_type"})))
            .into_response(),
    }
}

/// Token claims, edited per test.
#[derive(Clone)]
struct Claims(serde_json::Map<String, Value>);

impl Claims {
    fn for_user(user: &str, tenant: &str, issuer: &str) -> Claims {
        let now = jsonwebtoken::get_current_timestamp();
        let Value::Object(map) = json!({
            "iss": issuer, "aud": CLIENT, "sub": user, "tenant_id": tenant,
            "scope": "openid scaicore:view scaicore:manage", "iat": now, "exp": now + 600,
        }) else {
            unreachable!()
        };
        Claims(map)
    }

    fn with(mut self, key: &str, value: Value) -> Claims {
        self.0.insert(key.into(), value);
        self
    }

    fn without(mut self, key: &str) -> Claims {
        self.0.remove(key);
        self
    }
}

fn sign(alg: Algorithm, kid: &str, pem: &[u8], claims: &Claims) -> String {
    let key = match alg {
        Algorithm::ES256 => EncodingKey::from_ec_pem(pem).unwrap(),
        Algorithm::HS256 => EncodingKey::from_secret(pem).unwrap(),
        _ => EncodingKey::from_rsa_pem(pem).unwrap(),
    };
    let header = Header { kid: Some(kid.into()), ..Header::new(alg) };
    jsonwebtoken::encode(&header, &claims.0, &key).unwrap()
}

async fn app(provider: &Provider) -> TestApp {
    TestApp::with(&[
        ("SCAIKEY_BASE_URL", provider.issuer.as_str()),
        ("SCAIFLOW_SCAIKEY_CLIENT_ID", CLIENT),
        ("SCAIFLOW_SCAIKEY_CLIENT_SECRET", SECRET),
    ])
    .await
}

async fn with_token(
    app: &TestApp,
    method: Method,
    uri: &str,
    body: Option<&Value>,
    token: &str,
) -> Reply {
    let bearer = format!("Bearer {token}");
    app.anonymous(method, uri, body, &[("authorization", bearer.as_str())]).await
}

fn new_flow() -> Value {
    json!({"name": "Support", "content": example()})
}

fn message(reply: &Reply) -> String {
    reply.json["detail"]["message"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn every_forged_or_misdirected_token_is_refused() {
    let p = provider().await;
    let app = app(&p).await;
    let good = Claims::for_user("usr_alice", "tnt_acme", &p.issuer);

    let ok = with_token(
        &app,
        Method::GET,
        "/api/v1/me",
        None,
        &sign(Algorithm::RS256, "k1", RSA, &good),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(ok.json["sub"], "usr_alice");
    assert_eq!(ok.json["tenant_id"], "tnt_acme");
    assert_eq!(ok.json["permissions"], json!(["scaicore:view", "scaicore:manage"]));
    let es =
        with_token(&app, Method::GET, "/api/v1/me", None, &sign(Algorithm::ES256, "k2", EC, &good))
            .await;
    assert_eq!(es.status, StatusCode::OK, "ES256 is accepted: {}", es.text);

    let valid = sign(Algorithm::RS256, "k1", RSA, &good);
    let [header, _, signature]: [&str; 3] =
        valid.split('.').collect::<Vec<_>>().try_into().unwrap();
    let encode = |value: &Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap());
    let now = jsonwebtoken::get_current_timestamp();
    let public_pem =
        std::fs::read(format!("{}/tests/fixtures/oidc-rsa.pub.pem", env!("CARGO_MANIFEST_DIR")))
            .unwrap();

    let attacks: Vec<(&str, String, &str)> = vec![
        (
            "alg none",
            format!(
                "{}.{}.",
                encode(&json!({"alg": "none", "typ": "JWT"})),
                encode(&Value::Object(good.0.clone()))
            ),
            "invalid token",
        ),
        (
            "HS256 keyed with the public key",
            sign(Algorithm::HS256, "k1", &public_pem, &good),
            "algorithm HS256",
        ),
        (
            "wrong issuer",
            sign(
                Algorithm::RS256,
                "k1",
                RSA,
                &good.clone().with("iss", "https://evil.example".into()),
            ),
            "Issuer doesn't match",
        ),
        (
            "wrong audience",
            sign(Algorithm::RS256, "k1", RSA, &good.clone().with("aud", "user-portal".into())),
            "Audience doesn't match",
        ),
        (
            "expired",
            sign(Algorithm::RS256, "k1", RSA, &good.clone().with("exp", (now - 120).into())),
            "expired",
        ),
        (
            "not yet valid",
            sign(Algorithm::RS256, "k1", RSA, &good.clone().with("nbf", (now + 600).into())),
            "not valid yet",
        ),
        ("unknown kid", sign(Algorithm::RS256, "k9", RSA, &good), "not in the provider's JWKS"),
        (
            "another key under a known kid",
            sign(Algorithm::RS256, "k1", RSA_OTHER, &good),
            "signature",
        ),
        ("an RSA-signed token naming the EC key", sign(Algorithm::RS256, "k2", RSA, &good), "JWKS"),
        (
            "tampered payload",
            format!(
                "{header}.{}.{signature}",
                encode(&Value::Object(good.clone().with("tenant_id", "tnt_globex".into()).0))
            ),
            "signature",
        ),
        (
            "missing tenant",
            sign(Algorithm::RS256, "k1", RSA, &good.clone().without("tenant_id")),
            "no tenant_id",
        ),
        (
            "missing subject",
            sign(Algorithm::RS256, "k1", RSA, &good.clone().without("sub")),
            "no sub",
        ),
        (
            "missing expiry",
            sign(Algorithm::RS256, "k1", RSA, &good.clone().without("exp")),
            "no exp",
        ),
        ("not a JWT", "abc.def".into(), "not a JWT"),
    ];
    for (name, token, expected) in attacks {
        let reply = with_token(&app, Method::GET, "/api/v1/flows", None, &token).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{name}: {}", reply.text);
        assert_eq!(reply.json["detail"]["error"], "unauthorized", "{name}");
        assert!(message(&reply).contains(expected), "{name}: {}", message(&reply));
    }

    for headers in
        [vec![], vec![("authorization", "Basic dXNlcjpwYXNz")], vec![("authorization", "Bearer ")]]
    {
        let reply = app.anonymous(Method::GET, "/api/v1/flows", None, &headers).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{headers:?}");
        assert!(message(&reply).contains("no bearer token"), "{}", message(&reply));
    }
    // The forged kids fetched the JWKS once at most (they come within the refetch interval).
    assert!(
        p.jwks_fetches.load(Ordering::SeqCst) <= 2,
        "{} fetches",
        p.jwks_fetches.load(Ordering::SeqCst)
    );
}

#[tokio::test]
async fn a_rotated_key_is_picked_up_and_the_leeway_tolerates_small_skew() {
    let p = provider().await;
    let app = app(&p).await;
    let good = Claims::for_user("usr_alice", "tnt_acme", &p.issuer);
    assert_eq!(
        with_token(
            &app,
            Method::GET,
            "/api/v1/me",
            None,
            &sign(Algorithm::RS256, "k1", RSA, &good)
        )
        .await
        .status,
        StatusCode::OK
    );
    // ScaiKey rotates: the other key joins the JWKS under a new kid.
    p.jwks.write().unwrap().push(jwk("oidc-rsa-other.pub.jwk.json", "k3"));
    tokio::time::sleep(scaiflow_server::oidc::JWKS_REFETCH).await;
    let rotated = with_token(
        &app,
        Method::GET,
        "/api/v1/me",
        None,
        &sign(Algorithm::RS256, "k3", RSA_OTHER, &good),
    )
    .await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.text);

    let now = jsonwebtoken::get_current_timestamp();
    let skewed = good.clone().with("exp", (now - 10).into()).with("nbf", (now + 10).into());
    let reply = with_token(
        &app,
        Method::GET,
        "/api/v1/me",
        None,
        &sign(Algorithm::RS256, "k1", RSA, &skewed),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "10 s of skew is tolerated: {}", reply.text);
}

#[tokio::test]
async fn scopes_decide_reads_and_writes() {
    let p = provider().await;
    let app = app(&p).await;
    let base = Claims::for_user("usr_viewer", "tnt_acme", &p.issuer);
    let viewer = sign(
        Algorithm::RS256,
        "k1",
        RSA,
        &base.clone().with("scope", "openid scaicore:view".into()),
    );
    assert_eq!(
        with_token(&app, Method::GET, "/api/v1/flows", None, &viewer).await.status,
        StatusCode::OK
    );
    let write = with_token(&app, Method::POST, "/api/v1/flows", Some(&new_flow()), &viewer).await;
    assert_eq!(write.status, StatusCode::FORBIDDEN, "{}", write.text);
    assert_eq!(write.json["detail"]["error"], "insufficient_scope");
    assert!(message(&write).contains("scaicore:manage"));

    let none =
        sign(Algorithm::RS256, "k1", RSA, &base.clone().with("scope", "openid email".into()));
    let read = with_token(&app, Method::GET, "/api/v1/flows", None, &none).await;
    assert_eq!(read.status, StatusCode::FORBIDDEN);
    assert!(message(&read).contains("scaicore:view"));

    // A list of scopes (`scp`) counts too; manage includes reading.
    let listed = sign(
        Algorithm::RS256,
        "k1",
        RSA,
        &base.without("scope").with("scp", json!(["scaicore:manage"])),
    );
    assert_eq!(
        with_token(&app, Method::GET, "/api/v1/flows", None, &listed).await.status,
        StatusCode::OK
    );
    assert_eq!(
        with_token(&app, Method::POST, "/api/v1/flows", Some(&new_flow()), &listed).await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn the_token_names_the_tenant_and_the_mirror_adds_the_admin_role() {
    let p = provider().await;
    let app = app(&p).await;
    let alice =
        sign(Algorithm::RS256, "k1", RSA, &Claims::for_user("usr_alice", "tnt_acme", &p.issuer));
    let bob =
        sign(Algorithm::RS256, "k1", RSA, &Claims::for_user("usr_bob", "tnt_globex", &p.issuer));

    let created = with_token(&app, Method::POST, "/api/v1/flows", Some(&new_flow()), &alice).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.json["id"].as_str().unwrap().to_owned();
    let uri = format!("/api/v1/flows/{id}");
    assert_eq!(with_token(&app, Method::GET, &uri, None, &alice).await.status, StatusCode::OK);
    // Another tenant's user neither reads it nor sees it listed.
    assert_eq!(with_token(&app, Method::GET, &uri, None, &bob).await.status, StatusCode::NOT_FOUND);
    let listed = with_token(&app, Method::GET, "/api/v1/flows", None, &bob).await;
    assert_eq!(listed.json["total"], 0, "{}", listed.text);

    let me = with_token(&app, Method::GET, "/api/v1/me", None, &bob).await;
    assert_eq!(me.json["admin_role"], Value::Null);
    // An admin grants bob super_admin in the local mirror: his next request carries it.
    let grant = super::Principal::local();
    let granted = app
        .call(
            Method::POST,
            "/api/v1/admin/users/usr_bob/role",
            Some(&json!({"role": "super_admin"})),
            &grant,
            &[],
        )
        .await;
    assert_eq!(granted.status, StatusCode::NO_CONTENT, "{}", granted.text);
    let me = with_token(&app, Method::GET, "/api/v1/me", None, &bob).await;
    assert_eq!(me.json["admin_role"], "super_admin");
    let users = with_token(&app, Method::GET, "/api/v1/admin/users", None, &bob).await;
    assert_eq!(users.status, StatusCode::OK, "the role opens the admin views: {}", users.text);
    // A super admin reaches every tenant's flows by id.
    let read = with_token(&app, Method::GET, &uri, None, &bob).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert_eq!(read.json["access"], "admin");
    assert_eq!(read.json["tenant_id"], "tnt_acme");
    let acls = format!("{uri}/acls");
    assert_eq!(with_token(&app, Method::GET, &acls, None, &bob).await.status, StatusCode::OK);
}

#[tokio::test]
async fn exchange_and_refresh_go_through_the_server_with_the_providers_errors() {
    let p = provider().await;
    let app = app(&p).await;

    let config =
        app.anonymous(Method::GET, "/api/v1/auth/config", None, &[("host", "scaiflow.test")]).await;
    assert_eq!(config.status, StatusCode::OK);
    assert_eq!(config.json["auth_mode"], "scaikey");
    assert_eq!(config.json["client_id"], CLIENT);
    assert_eq!(config.json["authorization_endpoint"], format!("{}/authorize", p.issuer));
    assert_eq!(config.json["end_session_endpoint"], format!("{}/logout", p.issuer));
    assert_eq!(config.json["redirect_uri"], "http://scaiflow.test/auth/callback");
    assert!(!config.text.contains(SECRET), "the client secret never reaches the browser");

    let app_behind_proxy = TestApp::with(&[
        ("SCAIKEY_BASE_URL", p.issuer.as_str()),
        ("SCAIFLOW_SCAIKEY_CLIENT_ID", CLIENT),
        ("SCAIFLOW_SCAIKEY_CLIENT_SECRET", SECRET),
        ("SCAIKEY_AUDIENCE", "scaiflow-api"),
        ("SCAIFLOW_PUBLIC_URL", "https://flows.example/"),
    ])
    .await;
    let config = app_behind_proxy.anonymous(Method::GET, "/api/v1/auth/config", None, &[]).await;
    assert_eq!(config.json["redirect_uri"], "https://flows.example/auth/callback");
    assert_eq!(config.json["audience"], "scaiflow-api");
    let local = TestApp::new().await;
    let config = local.anonymous(Method::GET, "/api/v1/auth/config", None, &[]).await;
    assert_eq!(config.json["auth_mode"], "local");
    assert_eq!(config.json["client_id"], Value::Null);

    let exchange = |code: &str| json!({"code": code, "code_verifier": "v".repeat(43), "redirect_uri": "http://scaiflow.test/auth/callback"});
    let tokens =
        app.anonymous(Method::POST, "/api/v1/auth/exchange", Some(&exchange("good")), &[]).await;
    assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.text);
    assert_eq!(tokens.json["token_type"], "Bearer");
    assert_eq!(tokens.json["refresh_token"], "r1");
    assert_eq!(tokens.json["expires_in"], 3600);
    let access = tokens.json["access_token"].as_str().unwrap().to_owned();
    let me = with_token(&app, Method::GET, "/api/v1/me", None, &access).await;
    assert_eq!(
        me.json["email"], "alice@acme.example",
        "the ID token's e-mail is recorded: {}",
        me.text
    );
    assert_eq!(me.json["display_name"], "Alice Johnson");

    let reused =
        app.anonymous(Method::POST, "/api/v1/auth/exchange", Some(&exchange("used")), &[]).await;
    assert_eq!(reused.status, StatusCode::BAD_REQUEST, "{}", reused.text);
    assert_eq!(reused.json["detail"]["error"], "invalid_grant");
    assert_eq!(reused.json["detail"]["error_description"], "code already used");
    let down =
        app.anonymous(Method::POST, "/api/v1/auth/exchange", Some(&exchange("down")), &[]).await;
    assert_eq!(down.status, StatusCode::BAD_GATEWAY, "{}", down.text);
    let empty = app
        .anonymous(
            Method::POST,
            "/api/v1/auth/exchange",
            Some(&json!({"code": "", "code_verifier": "v", "redirect_uri": "x"})),
            &[],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);

    let refreshed = app
        .anonymous(Method::POST, "/api/v1/auth/refresh", Some(&json!({"refresh_token": "r1"})), &[])
        .await;
    assert_eq!(refreshed.status, StatusCode::OK, "{}", refreshed.text);
    assert_eq!(refreshed.json["refresh_token"], "r2");
    let stale = app
        .anonymous(
            Method::POST,
            "/api/v1/auth/refresh",
            Some(&json!({"refresh_token": "r1-old"})),
            &[],
        )
        .await;
    assert_eq!(stale.status, StatusCode::BAD_REQUEST);
    assert_eq!(stale.json["detail"]["error"], "invalid_grant");
}

#[tokio::test]
async fn without_scaikey_the_exchange_says_it_is_not_configured() {
    let app = TestApp::new().await;
    let body = json!({"code": "c", "code_verifier": "v", "redirect_uri": "http://127.0.0.1/auth/callback"});
    for uri in ["/api/v1/auth/exchange", "/api/v1/auth/refresh"] {
        let body =
            if uri.ends_with("refresh") { json!({"refresh_token": "r"}) } else { body.clone() };
        let reply = app.anonymous(Method::POST, uri, Some(&body), &[]).await;
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE, "{uri}: {}", reply.text);
        assert_eq!(message(&reply), "ScaiKey OIDC not configured on the server");
    }
    let config = app.anonymous(Method::GET, "/api/v1/auth/config", None, &[]).await;
    assert_eq!(config.json["auth_mode"], "local");
}

#[tokio::test]
async fn an_unreachable_provider_is_a_502_not_a_401() {
    // A port nothing listens on (bound, then released).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let app = TestApp::with(&[
        ("SCAIKEY_BASE_URL", url.as_str()),
        ("SCAIFLOW_SCAIKEY_CLIENT_ID", CLIENT),
        ("SCAIFLOW_SCAIKEY_CLIENT_SECRET", SECRET),
    ])
    .await;
    let token = sign(Algorithm::RS256, "k1", RSA, &Claims::for_user("usr_alice", "tnt_acme", &url));
    let reply = with_token(&app, Method::GET, "/api/v1/flows", None, &token).await;
    assert_eq!(reply.status, StatusCode::BAD_GATEWAY, "{}", reply.text);
    assert_eq!(reply.json["detail"]["error"], "scaikey_unavailable");
    let config = app.anonymous(Method::GET, "/api/v1/auth/config", None, &[]).await;
    assert_eq!(config.status, StatusCode::OK);
    assert!(config.json["error"].as_str().unwrap().contains("discovery"), "{}", config.text);
    // Public endpoints need no token: the webhook answers that it is not configured.
    let hook = app.anonymous(Method::POST, "/api/v1/webhooks/scaikey", Some(&json!({})), &[]).await;
    assert_eq!(hook.status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn every_route_but_the_public_ones_needs_a_token() {
    let p = provider().await;
    let app = app(&p).await;
    // The legacy deploy has its own shared token (SCAIFLOW_API_TOKEN), not ScaiKey's.
    let public =
        ["/auth/config", "/auth/exchange", "/auth/refresh", "/webhooks/scaikey", "/dev/deploy"];
    for (method, path) in super::api_openapi::EXPECTED {
        let (uri, method, body) = super::api_openapi::placeholder_request(method, path);
        let reply = app.anonymous(method.clone(), &uri, body.as_ref(), &[]).await;
        if public.contains(&path) {
            assert_ne!(reply.status, StatusCode::UNAUTHORIZED, "{method} {uri} is public");
        } else {
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{method} {uri}: {}", reply.text);
        }
    }
}

#[tokio::test]
async fn scaigrid_lookups_and_deploys_forward_the_signed_in_user_s_token() {
    let p = provider().await;
    let token =
        sign(Algorithm::RS256, "k1", RSA, &Claims::for_user("usr_alice", "tnt_acme", &p.issuer));
    // ScaiGrid accepts the user's ScaiKey token: the stand-in knows it as alice's credential.
    let alice = scaigrid_sim::SimKey::new(
        &token,
        "tnt_acme",
        "acme",
        &["models:list", "scaiqueue:view", "scaiqueue:manage", "scaicore:view", "scaicore:manage"],
    );
    let grid = scaigrid_sim::start(scaigrid_sim::SimConfig {
        keys: vec![alice],
        ..scaigrid_sim::SimConfig::demo()
    })
    .await
    .unwrap();
    let app = TestApp::with(&[
        ("SCAIKEY_BASE_URL", p.issuer.as_str()),
        ("SCAIFLOW_SCAIKEY_CLIENT_ID", CLIENT),
        ("SCAIFLOW_SCAIKEY_CLIENT_SECRET", SECRET),
        ("SCAIGRID_BASE_URL", grid.url.as_str()),
    ])
    .await;
    let models = with_token(&app, Method::GET, "/api/v1/scaigrid/models", None, &token).await;
    assert_eq!(models.status, StatusCode::OK, "{}", models.text);
    let status =
        with_token(&app, Method::GET, "/api/v1/tenants/me/scaigrid_credentials", None, &token)
            .await;
    assert_eq!(
        (status.json["configured"].as_bool(), status.json["user_token"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(grid.hits("/v1/models"), 1);
    // A deploy goes out with the same token, into the user's tenant on ScaiGrid.
    let body = new_flow();
    let created = with_token(&app, Method::POST, "/api/v1/flows", Some(&body), &token).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let deploy = format!("/api/v1/flows/{}/deploy", created.json["id"].as_str().unwrap());
    let deployed = with_token(&app, Method::POST, &deploy, None, &token).await;
    assert_eq!(deployed.status, StatusCode::OK, "{}", deployed.text);
    assert_eq!(grid.cores("tnt_acme").len(), 1);

    // Pinned to API keys, the same request has none to use.
    let keys_only = TestApp::with(&[
        ("SCAIKEY_BASE_URL", p.issuer.as_str()),
        ("SCAIFLOW_SCAIKEY_CLIENT_ID", CLIENT),
        ("SCAIFLOW_SCAIKEY_CLIENT_SECRET", SECRET),
        ("SCAIGRID_BASE_URL", grid.url.as_str()),
        ("SCAIFLOW_DEPLOY_AUTH", "api_key"),
    ])
    .await;
    let refused =
        with_token(&keys_only, Method::GET, "/api/v1/scaigrid/models", None, &token).await;
    assert_eq!(refused.status, StatusCode::PRECONDITION_FAILED, "{}", refused.text);
    let created = with_token(&keys_only, Method::POST, "/api/v1/flows", Some(&body), &token).await;
    let deploy = format!("/api/v1/flows/{}/deploy", created.json["id"].as_str().unwrap());
    let refused = with_token(&keys_only, Method::POST, &deploy, None, &token).await;
    assert_eq!(refused.status, StatusCode::PRECONDITION_FAILED, "{}", refused.text);
    assert_eq!(refused.json["detail"]["error"], "missing_scaigrid_credentials");
}
