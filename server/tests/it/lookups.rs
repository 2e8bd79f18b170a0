//! The ScaiGrid lookups against the local ScaiGrid stand-in: which credential is used, the
//! normalised answers, and the documented errors.

use axum::http::{Method, StatusCode};
use scaiflow_server::caller::Principal;
use scaigrid_sim::{DEMO_KEY, ModelsStyle, SimConfig, SimKey};

use super::TestApp;

const OTHER_KEY: &str = "sgk_tenant_own_key_00000000000000000000";

async fn grid() -> scaigrid_sim::Running {
    let mut config = SimConfig { models_style: ModelsStyle::OpenAi, ..SimConfig::demo() };
    let all: Vec<&str> = scaigrid_sim::ALL_PERMISSIONS.to_vec();
    config.keys.push(SimKey::new(OTHER_KEY, "tnt_own", "own", &all));
    scaigrid_sim::start(config).await.unwrap()
}

#[tokio::test]
async fn lookups_use_the_server_key_and_normalise_the_answers() {
    let grid = grid().await;
    let app =
        TestApp::with(&[("SCAIGRID_API_KEY", DEMO_KEY), ("SCAIGRID_BASE_URL", grid.url.as_str())])
            .await;
    let local = Principal::local();
    let models = app.call(Method::GET, "/api/v1/scaigrid/models", None, &local, &[]).await;
    assert_eq!(models.status, StatusCode::OK, "{}", models.text);
    let first = &models.json["data"][0];
    assert!(first["slug"].is_string() && first["display_name"].is_string(), "{}", models.text);
    assert!(first.get("object").is_none(), "OpenAI's fields are not passed on: {first}");

    let client = scaigrid_client::Client::new(&grid.url, DEMO_KEY).unwrap();
    let scope = client.create_scope("support", "Support").await.unwrap();
    let scopes = app.call(Method::GET, "/api/v1/scaiqueue/scopes", None, &local, &[]).await;
    assert_eq!(scopes.json["data"][0]["id"], scope.id.as_str(), "{}", scopes.text);
    let queues = app
        .call(
            Method::GET,
            &format!("/api/v1/scaiqueue/scopes/{}/queues", scope.id),
            None,
            &local,
            &[],
        )
        .await;
    assert_eq!(queues.status, StatusCode::OK, "{}", queues.text);
    assert!(queues.json["data"].as_array().is_some());
    let unknown =
        app.call(Method::GET, "/api/v1/scaiqueue/scopes/sc_nope/queues", None, &local, &[]).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.text);
    let bunkers = app.call(Method::GET, "/api/v1/scaibunker/bunkers", None, &local, &[]).await;
    assert_eq!(bunkers.status, StatusCode::OK, "{}", bunkers.text);
    assert!(!bunkers.json["data"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn the_tenant_s_own_key_comes_before_the_server_s() {
    let grid = grid().await;
    let app =
        TestApp::with(&[("SCAIGRID_API_KEY", DEMO_KEY), ("SCAIGRID_BASE_URL", grid.url.as_str())])
            .await;
    let server_client = scaigrid_client::Client::new(&grid.url, DEMO_KEY).unwrap();
    server_client.create_scope("servers-tenant", "Server's tenant").await.unwrap();
    let own = scaigrid_client::Client::new(&grid.url, OTHER_KEY).unwrap();
    own.create_scope("own-tenant", "Own tenant").await.unwrap();

    let local = Principal::local();
    let body = serde_json::json!({"api_key": OTHER_KEY, "base_url": grid.url});
    let set = app
        .call(Method::POST, "/api/v1/tenants/me/scaigrid_credentials", Some(&body), &local, &[])
        .await;
    assert_eq!(set.status, StatusCode::NO_CONTENT, "{}", set.text);
    let scopes = app.call(Method::GET, "/api/v1/scaiqueue/scopes", None, &local, &[]).await;
    let slugs: Vec<&str> =
        scopes.json["data"].as_array().unwrap().iter().filter_map(|s| s["slug"].as_str()).collect();
    assert_eq!(slugs, ["own-tenant"], "{}", scopes.text);
}

#[tokio::test]
async fn without_credentials_or_with_refused_ones_the_errors_say_what_to_do() {
    let app = TestApp::new().await;
    let local = Principal::local();
    for path in [
        "/scaigrid/models",
        "/scaiqueue/scopes",
        "/scaiqueue/scopes/sc_1/queues",
        "/scaibunker/bunkers",
    ] {
        let reply = app.call(Method::GET, &format!("/api/v1{path}"), None, &local, &[]).await;
        assert_eq!(reply.status, StatusCode::PRECONDITION_FAILED, "{path}: {}", reply.text);
        assert_eq!(reply.json["detail"]["error"], "missing_credentials");
        assert!(
            reply.json["detail"]["fix"]
                .as_str()
                .unwrap()
                .contains("/tenants/me/scaigrid_credentials")
        );
    }
    let grid = grid().await;
    let app = TestApp::with(&[
        ("SCAIGRID_API_KEY", "sgk_revoked"),
        ("SCAIGRID_BASE_URL", grid.url.as_str()),
    ])
    .await;
    let refused = app.call(Method::GET, "/api/v1/scaigrid/models", None, &local, &[]).await;
    assert_eq!(refused.status, StatusCode::BAD_GATEWAY, "{}", refused.text);
    assert_eq!(refused.json["detail"]["error"], "scaigrid_error");
    assert!(
        refused.json["detail"]["message"].as_str().unwrap().contains("AUTH_TOKEN_INVALID"),
        "{}",
        refused.text
    );
}
