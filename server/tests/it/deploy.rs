//! Deploying to the local ScaiGrid stand-in: provisioning before the Core, redeploys, races,
//! every documented failure and what the deployment record says, publishing, the legacy
//! `/dev/deploy`, and the ScaiCore proxy (invoke, events, checkpoints).

use axum::http::{Method, StatusCode};
use scaiflow_server::caller::Principal;
use scaigrid_sim::{ALL_PERMISSIONS, DEMO_KEY, Fault, SimConfig, SimKey};
use serde_json::{Value, json};

use crate::{Reply, TestApp, send};

const VIEW_ONLY_QUEUES: &str = "sgk_no_queue_manage_000000000000000000";

async fn grid() -> scaigrid_sim::Running {
    let mut config = SimConfig::demo();
    let without: Vec<&str> =
        ALL_PERMISSIONS.iter().copied().filter(|p| *p != "scaiqueue:manage").collect();
    config.keys.push(SimKey::new(VIEW_ONLY_QUEUES, "tnt_sim_demo", "demo", &without));
    scaigrid_sim::start(config).await.unwrap()
}

async fn app_on(grid: &scaigrid_sim::Running, key: &str) -> TestApp {
    TestApp::with(&[("SCAIGRID_API_KEY", key), ("SCAIGRID_BASE_URL", grid.url.as_str())]).await
}

fn bundled(key: &str) -> Value {
    serde_json::from_str(flow_model::example(key).unwrap().json).unwrap()
}

async fn save(app: &TestApp, name: &str, content: Value) -> String {
    let body = json!({"name": name, "content": content});
    let local = Principal::local();
    let reply = app.call(Method::POST, "/api/v1/flows", Some(&body), &local, &[]).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.json["id"].as_str().unwrap().to_owned()
}

async fn deploy(app: &TestApp, id: &str, body: Option<Value>) -> Reply {
    let uri = format!("/api/v1/flows/{id}/deploy");
    app.call(Method::POST, &uri, body.as_ref(), &Principal::local(), &[]).await
}

async fn history(app: &TestApp, id: &str) -> Vec<Value> {
    let uri = format!("/api/v1/flows/{id}/deployments");
    let reply = app.call(Method::GET, &uri, None, &Principal::local(), &[]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json["items"].as_array().unwrap().clone()
}

async fn scope_slugs(grid: &scaigrid_sim::Running) -> Vec<String> {
    let client = scaigrid_client::Client::new(&grid.url, DEMO_KEY).unwrap();
    client.scopes().await.unwrap().into_iter().map(|s| s.slug).collect()
}

const CORES: &str = "/v1/modules/scaicore/cores";

#[tokio::test]
async fn a_flow_without_topology_deploys_without_touching_scaiqueue() {
    let grid = grid().await;
    let app = app_on(&grid, DEMO_KEY).await;
    let id = save(&app, "Hello", bundled("hello-world")).await;
    let reply = deploy(&app, &id, None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let core_id = reply.json["core_id"].as_str().unwrap();
    assert!(core_id.starts_with("core_"), "{}", reply.text);
    assert_eq!(reply.json["published_slug"], Value::Null);
    assert_eq!(reply.json["action"], "created");
    assert_eq!(reply.json["version"], "1.0.0");
    assert_eq!(grid.hits("/v1/modules/scaiqueue/scopes"), 0);

    let client = scaigrid_client::Client::new(&grid.url, DEMO_KEY).unwrap();
    let core = client.core(core_id).await.unwrap().expect("the Core exists");
    assert_eq!(core.slug.as_deref(), Some("hello-world"));

    let items = history(&app, &id).await;
    assert_eq!(items.len(), 1);
    let record = &items[0];
    assert_eq!(record["id"], reply.json["deployment_id"]);
    assert_eq!(record["status"], "succeeded");
    assert_eq!(record["core_id"], core_id);
    assert_eq!(record["version"], "1.0.0");
    assert_eq!(record["deployed_by"], Principal::local().user_id.as_str());
    assert_eq!(record["stage"], Value::Null);
    assert!(record["finished_at"].is_string(), "{record}");

    // An empty body is every default, whatever its content type says.
    let uri = format!("/api/v1/flows/{id}/deploy");
    let json_type = [("content-type", "application/json")];
    let again = app.call(Method::POST, &uri, None, &Principal::local(), &json_type).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(
        (&again.json["core_id"], &again.json["action"]),
        (&json!(core_id), &json!("updated"))
    );
}

#[tokio::test]
async fn topology_is_provisioned_first_and_a_redeploy_reuses_scope_queues_and_core() {
    let grid = grid().await;
    let app = app_on(&grid, DEMO_KEY).await;
    let id = save(&app, "Support", bundled("customer-support")).await;
    let first = deploy(&app, &id, None).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(scope_slugs(&grid).await, ["support"]);
    let client = scaigrid_client::Client::new(&grid.url, DEMO_KEY).unwrap();
    let scope = client.scopes().await.unwrap().remove(0);
    let queues = client.queues(&scope.id).await.unwrap();
    assert!(queues.iter().any(|q| q.slug == "review"), "{queues:?}");
    let queue_count = queues.len();

    let second = deploy(&app, &id, Some(json!({}))).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.text);
    assert_eq!(second.json["core_id"], first.json["core_id"], "the redeploy updates the Core");
    assert_eq!(second.json["action"], "updated");
    assert_eq!(scope_slugs(&grid).await, ["support"]);
    assert_eq!(client.queues(&scope.id).await.unwrap().len(), queue_count);
    assert_eq!(grid.hits(CORES), 1, "one Core was created, then updated");
    assert_eq!(history(&app, &id).await.len(), 2);
}

#[tokio::test]
async fn two_deploys_at_once_provisioning_the_same_scope_both_succeed() {
    let grid = grid().await;
    let app = app_on(&grid, DEMO_KEY).await;
    let a = save(&app, "Support A", bundled("customer-support")).await;
    let b = save(&app, "Support B", bundled("customer-support")).await;
    let router = app.router();
    let (uri_a, uri_b) = (format!("/api/v1/flows/{a}/deploy"), format!("/api/v1/flows/{b}/deploy"));
    let (one, two) = tokio::join!(
        send(router.clone(), Method::POST, &uri_a, json!({}), &[]),
        send(router, Method::POST, &uri_b, json!({}), &[]),
    );
    assert_eq!(one.0, StatusCode::OK, "{}", one.1);
    assert_eq!(two.0, StatusCode::OK, "{}", two.1);
    assert_ne!(one.1["core_id"], two.1["core_id"]);
    assert_eq!(scope_slugs(&grid).await, ["support"], "one scope, whoever created it");
}

#[tokio::test]
async fn without_scaiqueue_manage_the_deploy_stops_before_any_core() {
    let grid = grid().await;
    let app = app_on(&grid, VIEW_ONLY_QUEUES).await;
    let id = save(&app, "Support", bundled("customer-support")).await;
    let reply = deploy(&app, &id, None).await;
    assert_eq!(reply.status, StatusCode::BAD_GATEWAY, "{}", reply.text);
    let detail = &reply.json["detail"];
    assert_eq!(detail["error"], "scaiqueue_auth");
    assert_eq!(detail["message"], "permission_denied: need scaiqueue:manage");
    assert!(detail["fix"].as_str().unwrap().contains("scaiqueue:manage"), "{detail}");
    assert_eq!(detail["scope"], "support");
    assert_eq!(grid.hits(CORES), 0, "no Core was created");

    let record = &history(&app, &id).await[0];
    assert_eq!(record["status"], "failed");
    assert_eq!(record["error"], "scaiqueue_auth");
    assert_eq!(record["stage"], "provisioning");
    assert_eq!(record["core_id"], Value::Null);
}

#[tokio::test]
async fn a_provisioning_failure_names_the_queue_and_scaigrid_s_message() {
    let grid = grid().await;
    let app = app_on(&grid, DEMO_KEY).await;
    let id = save(&app, "Support", bundled("customer-support")).await;
    // The scope is found or created; ScaiQueue then refuses the first request about its queues.
    grid.fail_next("/v1/modules/scaiqueue/scopes/", Fault::VerifierError, 1);
    let reply = deploy(&app, &id, None).await;
    assert_eq!(reply.status, StatusCode::BAD_GATEWAY, "{}", reply.text);
    let detail = &reply.json["detail"];
    assert_eq!(detail["error"], "scaiqueue_provision_failed", "{detail}");
    assert_eq!(detail["scope"], "support");
    assert_eq!(detail["queue"], "review");
    assert_eq!(detail["status"], 422);
    assert!(!detail["message"].as_str().unwrap().is_empty());
    assert_eq!(grid.hits(CORES), 0);
    assert_eq!(scope_slugs(&grid).await, ["support"]);
}

#[tokio::test]
async fn a_core_scaigrid_rejects_is_scaicore_create_failed_with_its_status() {
    let grid = grid().await;
    let app = app_on(&grid, DEMO_KEY).await;
    let id = save(&app, "Hello", bundled("hello-world")).await;
    grid.fail_next(CORES, Fault::VerifierError, 1);
    let reply = deploy(&app, &id, None).await;
    assert_eq!(reply.status, StatusCode::BAD_GATEWAY, "{}", reply.text);
    let detail = &reply.json["detail"];
    assert_eq!(detail["error"], "scaicore_create_failed");
    assert_eq!(detail["status"], 422);
    assert!(detail["message"].as_str().unwrap().starts_with("verifier error"), "{detail}");
    let record = &history(&app, &id).await[0];
    assert_eq!((&record["status"], &record["stage"]), (&json!("failed"), &json!("creating")));
    assert_eq!(record["error"], "scaicore_create_failed");
    assert!(record["message"].as_str().unwrap().starts_with("verifier error"), "{record}");
}

#[tokio::test]
async fn without_credentials_the_deploy_is_412_and_recorded() {
    let app = TestApp::new().await;
    let id = save(&app, "Hello", bundled("hello-world")).await;
    let reply = deploy(&app, &id, None).await;
    assert_eq!(reply.status, StatusCode::PRECONDITION_FAILED, "{}", reply.text);
    let detail = &reply.json["detail"];
    assert_eq!(detail["error"], "missing_scaigrid_credentials");
    assert_eq!(detail["message"], "no ScaiGrid credentials for tenant 'tnt_local'");
    assert!(detail["fix"].as_str().unwrap().contains("/tenants/me/scaigrid_credentials"));
    let record = &history(&app, &id).await[0];
    assert_eq!(
        (&record["error"], &record["stage"]),
        (&json!("missing_scaigrid_credentials"), &json!("credentials"))
    );
}

#[tokio::test]
async fn deployments_a_restart_cut_off_are_closed_as_interrupted() {
    let grid = grid().await;
    let app = app_on(&grid, DEMO_KEY).await;
    let id = save(&app, "Hello", bundled("hello-world")).await;
    let done = deploy(&app, &id, None).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    let db = &app.state.db;
    let stale = |created_at: i64, dep: &str| scaiflow_server::storage::flows::DeploymentRow {
        id: dep.into(),
        flow_id: id.clone(),
        version: "1.0.0".into(),
        status: "running".into(),
        core_id: None,
        published_slug: None,
        error_code: None,
        error_message: None,
        deployed_by: "usr_local".into(),
        created_at,
        stage: Some("creating".into()),
        finished_at: None,
    };
    let now = scaiflow_server::clock::now_millis();
    let window = scaiflow_server::flows::deploy::STALE_AFTER_MS;
    for row in [stale(now - window - 1, "dep_old"), stale(now - 1000, "dep_recent")] {
        scaiflow_server::storage::flows::insert_deployment(db, &row, "tnt_local").await.unwrap();
    }
    let closed = scaiflow_server::storage::flows::fail_stale_deployments(db, now - window, now)
        .await
        .unwrap();
    assert_eq!(closed, 1, "only the one older than the window");
    let items = history(&app, &id).await;
    let by_id = |dep: &str| items.iter().find(|d| d["id"] == dep).unwrap().clone();
    assert_eq!(
        (by_id("dep_old")["status"].clone(), by_id("dep_old")["error"].clone()),
        (json!("failed"), json!("interrupted"))
    );
    assert_eq!(by_id("dep_recent")["status"], "running");
    assert_eq!(by_id(done.json["deployment_id"].as_str().unwrap())["status"], "succeeded");
}

#[tokio::test]
async fn a_flow_that_does_not_compile_is_400_with_its_diagnostics_and_touches_nothing() {
    let grid = grid().await;
    let app = app_on(&grid, DEMO_KEY).await;
    let mut flow = bundled("customer-support");
    flow["nodes"][1]["config"]["llm_role"] = json!("fastt");
    let id = save(&app, "Broken", flow).await;
    let reply = deploy(&app, &id, None).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
    let detail = &reply.json["detail"];
    assert_eq!(detail["error"], "compile_error");
    // The fix names the editor's list by the name the editor shows.
    assert!(detail["fix"].as_str().unwrap().contains("Diagnostics"), "{detail}");
    let diagnostics = detail["diagnostics"].as_array().unwrap();
    assert!(
        diagnostics.iter().any(|d| d["message"].as_str().unwrap().contains("fastt")),
        "{detail}"
    );
    assert_eq!(grid.hits("/v1/modules/scaiqueue/scopes") + grid.hits(CORES), 0);
    assert_eq!(history(&app, &id).await[0]["stage"], "compiling");
}

#[tokio::test]
async fn publishing_and_redeploying_with_publishing_keeps_the_slug() {
    let grid = grid().await;
    let app = app_on(&grid, DEMO_KEY).await;
    let id = save(&app, "Hello", bundled("hello-world")).await;
    let body = json!({"publish_as_model": true, "model_visibility_group_ids": ["grp_eng"]});
    let first = deploy(&app, &id, Some(body.clone())).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(first.json["published_slug"], "scaicore/demo/hello-world");
    let second = deploy(&app, &id, Some(body)).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.text);
    assert_eq!(second.json["published_slug"], "scaicore/demo/hello-world");
    assert_eq!(second.json["core_id"], first.json["core_id"]);
    let core_id = first.json["core_id"].as_str().unwrap();
    assert_eq!(grid.hits(&format!("{CORES}/{core_id}/sync")), 1, "the second publish synced");
    let local = Principal::local();
    let models = app.call(Method::GET, "/api/v1/scaigrid/models", None, &local, &[]).await;
    let slugs: Vec<&str> =
        models.json["data"].as_array().unwrap().iter().filter_map(|m| m["slug"].as_str()).collect();
    assert!(slugs.contains(&"scaicore/demo/hello-world"), "{slugs:?}");
    let record = &history(&app, &id).await[0];
    assert_eq!(record["published_slug"], "scaicore/demo/hello-world");
    let unknown = deploy(&app, &id, Some(json!({"publish": true}))).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", unknown.text);
    let old = deploy(&app, &id, Some(json!({"version": "9.9.9"}))).await;
    assert_eq!(old.status, StatusCode::NOT_FOUND, "{}", old.text);
}

#[tokio::test]
async fn the_legacy_dev_deploy_needs_its_token() {
    let grid = grid().await;
    let off = app_on(&grid, DEMO_KEY).await;
    let body = json!({"content": bundled("hello-world")});
    let reply = off.anonymous(Method::POST, "/api/v1/dev/deploy", Some(&body), &[]).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE, "{}", reply.text);

    let app = TestApp::with(&[
        ("SCAIGRID_API_KEY", DEMO_KEY),
        ("SCAIGRID_BASE_URL", grid.url.as_str()),
        ("SCAIFLOW_API_TOKEN", "dev-token-1"),
    ])
    .await;
    let wrong = [("authorization", "Bearer dev-token-2")];
    let reply = app.anonymous(Method::POST, "/api/v1/dev/deploy", Some(&body), &wrong).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.text);
    let right = [("authorization", "Bearer dev-token-1")];
    let reply = app.anonymous(Method::POST, "/api/v1/dev/deploy", Some(&body), &right).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert!(reply.json["core_id"].as_str().unwrap().starts_with("core_"));
    assert_eq!(reply.json["published_slug"], Value::Null);
    let bad = json!({"content": {"nodes": 3}});
    let reply = app.anonymous(Method::POST, "/api/v1/dev/deploy", Some(&bad), &right).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.text);
}

/// Calls the ScaiCore proxy as the local user.
async fn proxy(app: &TestApp, method: Method, uri: &str, body: Option<Value>) -> Reply {
    app.call(method, &format!("/api/v1/scaicore{uri}"), body.as_ref(), &Principal::local(), &[])
        .await
}

#[tokio::test]
async fn invoking_through_the_proxy_shows_the_six_runtime_events_with_node_ids() {
    let grid = grid().await;
    let app = app_on(&grid, DEMO_KEY).await;
    let id = save(&app, "Hello", bundled("hello-world")).await;
    let core_id = deploy(&app, &id, None).await.json["core_id"].as_str().unwrap().to_owned();
    let body = json!({"input": {"message": {"text": "hi"}}});
    let invoked = proxy(&app, Method::POST, &format!("/cores/{core_id}/invoke"), Some(body)).await;
    assert_eq!(invoked.status, StatusCode::OK, "{}", invoked.text);
    assert_eq!(invoked.json["data"]["status"], "completed", "{}", invoked.text);

    let events =
        proxy(&app, Method::GET, &format!("/events?core_id={core_id}&limit=500"), None).await;
    assert_eq!(events.status, StatusCode::OK, "{}", events.text);
    let list = events.json["data"]["events"].as_array().unwrap();
    let types: Vec<&str> = list.iter().filter_map(|e| e["type"].as_str()).collect();
    assert_eq!(types.first(), Some(&"scaicore.runtime.invocation.started"));
    assert_eq!(types.last(), Some(&"scaicore.runtime.invocation.completed"));
    let entered: Vec<&str> = list
        .iter()
        .filter(|e| e["type"] == "scaicore.runtime.block.entered")
        .filter_map(|e| e["payload"]["node_id"].as_str())
        .collect();
    assert!(!entered.is_empty(), "{}", events.text);
    let flow: Value = bundled("hello-world");
    let node_ids: Vec<&str> =
        flow["nodes"].as_array().unwrap().iter().filter_map(|n| n["id"].as_str()).collect();
    assert!(entered.iter().all(|n| node_ids.contains(n)), "{entered:?} ⊄ {node_ids:?}");
    assert!(types.contains(&"scaicore.runtime.block.exited"));

    let cursor = events.json["data"]["next_cursor"].as_str().unwrap().to_owned();
    let uri = format!("/events?core_id={core_id}&cursor={cursor}");
    let later = proxy(&app, Method::GET, &uri, None).await;
    assert_eq!(later.json["data"]["events"], json!([]));
    let too_many = proxy(&app, Method::GET, "/events?limit=501", None).await;
    assert_eq!(too_many.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", too_many.text);
    let missing = proxy(&app, Method::POST, "/cores/core_nope/invoke", Some(json!({"input": {}})));
    assert_eq!(missing.await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_checkpoint_resolved_through_the_proxy_resumes_the_run() {
    let grid = grid().await;
    let app = app_on(&grid, DEMO_KEY).await;
    let id = save(&app, "Support", bundled("customer-support")).await;
    let core_id = deploy(&app, &id, None).await.json["core_id"].as_str().unwrap().to_owned();
    let unsure = json!({"response": "maybe", "citations": ["kb:1"], "confidence": 0.2});
    let body = json!({"input": {"message": {"text": "refund?"}, "_sim": {"answers": {"node_respond": unsure}}}});
    let invoked = proxy(&app, Method::POST, &format!("/cores/{core_id}/invoke"), Some(body)).await;
    assert_eq!(invoked.json["data"]["status"], "suspended", "{}", invoked.text);

    let pending = proxy(&app, Method::GET, &format!("/checkpoints?core_id={core_id}"), None).await;
    assert_eq!(pending.status, StatusCode::OK, "{}", pending.text);
    let list = pending.json["data"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{}", pending.text);
    assert_eq!(list[0]["node_id"], "node_review");
    let checkpoint = list[0]["id"].as_str().unwrap().to_owned();

    let uri = format!("/checkpoints/{checkpoint}/resolve");
    let wrong = proxy(&app, Method::POST, &uri, Some(json!({"resolution": "maybe"}))).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", wrong.text);
    assert_eq!(wrong.json["detail"]["error"], "scaigrid_rejected");
    let resolved = proxy(&app, Method::POST, &uri, Some(json!({"resolution": "approve"}))).await;
    assert_eq!(resolved.status, StatusCode::OK, "{}", resolved.text);
    assert_eq!(resolved.json["data"]["execution"]["status"], "completed", "{}", resolved.text);
    let by = format!("user:{}", Principal::local().user_id);
    assert_eq!(resolved.json["data"]["checkpoint"]["resolved_by"], by.as_str());
    let again = proxy(&app, Method::POST, &uri, Some(json!({"resolution": "approve"}))).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text);
    let none = proxy(&app, Method::GET, &format!("/checkpoints?core_id={core_id}"), None).await;
    assert_eq!(none.json["data"], json!([]));
    let bad = proxy(&app, Method::GET, "/checkpoints?status=done", None).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}
