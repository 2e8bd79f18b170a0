//! The ScaiCore module: Cores from the compiler's real manifests, the verifier, publishing,
//! invoking with runtime events, event paging, and checkpoints that suspend and resume a run.

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use scaigrid_sim::{Fault, router, router_with_control, start};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::{ACME, Answer, GLOBEX, VIEWER, assert_error, assert_request_id, config, get, post};

const CORES: &str = "/v1/modules/scaicore/cores";
const EVENTS: &str = "/v1/modules/scaicore/events";
const CHECKPOINTS: &str = "/v1/modules/scaicore/checkpoints";
const STARTED: &str = "scaicore.runtime.invocation.started";
const COMPLETED: &str = "scaicore.runtime.invocation.completed";
const ENTERED: &str = "scaicore.runtime.block.entered";
const EXITED: &str = "scaicore.runtime.block.exited";

/// A bundled example compiled to its YAML manifest by the real compiler.
fn manifest(key: &str) -> String {
    let example = flow_model::example(key).unwrap();
    let flow = flow_model::FlowGraph::from_json(example.json).unwrap();
    let output = compiler::compile_flow(&flow, compiler::Format::Yaml).unwrap();
    output.text().unwrap().to_owned()
}

/// Sends a raw body with its content type.
async fn send(
    router: &Router,
    method: Method,
    path: &str,
    token: &str,
    content_type: &str,
    body: &str,
) -> Answer {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", content_type)
        .body(Body::from(body.to_owned()))
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer { status, headers, body: serde_json::from_slice(&bytes).unwrap() }
}

async fn create_yaml(router: &Router, token: &str, yaml: &str) -> Value {
    let answer = send(router, Method::POST, CORES, token, "application/yaml", yaml).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    answer.body["data"].clone()
}

async fn invoke(router: &Router, token: &str, core_id: &str, body: Value) -> Value {
    let answer = post(router, &format!("{CORES}/{core_id}/invoke"), token, body).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.body["data"].clone()
}

async fn events(router: &Router, token: &str, query: &str) -> (Vec<Value>, String) {
    let answer = get(router, &format!("{EVENTS}{query}"), token).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let data = &answer.body["data"];
    (data["events"].as_array().unwrap().clone(), data["next_cursor"].as_str().unwrap().to_owned())
}

fn id(value: &Value) -> &str {
    value["id"].as_str().unwrap()
}

fn types(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["type"].as_str().unwrap()).collect()
}

fn node_ids(events: &[Value]) -> Vec<Option<&str>> {
    events.iter().map(|e| e["payload"]["node_id"].as_str()).collect()
}

/// `_sim.answers` that make customer-support unsure of its answer, so it asks for review.
fn unsure() -> Value {
    json!({"input": {
        "message": {"text": "where is my parcel?"},
        "_sim": {"answers": {"node_respond": {"response": "x", "citations": ["a"], "confidence": 0.2}}},
    }})
}

#[tokio::test]
async fn a_core_is_created_from_the_compilers_yaml() {
    let router = router(config());
    let core = create_yaml(&router, ACME, &manifest("customer-support")).await;
    assert!(id(&core).starts_with("core_"), "{core}");
    assert_eq!(core["tenant_id"], "tnt_acme");
    assert_eq!(core["name"], "customer-support");
    assert_eq!(core["slug"], "customer-support");
    assert_eq!(core["runtime_mode"], "api");
    assert_eq!(core["concurrency_mode"], "stateless");
    assert_eq!(core["status"], "running");
    assert_eq!(core["metadata"]["published"], false);
    assert_eq!(core["flows"], json!(["customer-support"]));
    let created = core["created_at"].as_str().unwrap();
    assert!(created.len() == 20 && created.ends_with('Z') && &created[10..11] == "T", "{created}");

    let list = get(&router, CORES, ACME).await;
    assert_eq!(list.body["data"], json!([core]));
    assert_eq!(list.body["next_cursor"], Value::Null);
    let one = get(&router, &format!("{CORES}/{}", id(&core)), ACME).await;
    assert_eq!(one.body["data"], core);
    assert_request_id(&one);
    assert_eq!(one.headers["x-scaigrid-sim"], "test stand-in, not ScaiGrid");
}

#[tokio::test]
async fn the_verifier_rejects_broken_manifests_and_creates_nothing() {
    let (router, control) = router_with_control(config());
    let cases = [
        ("core: [unclosed", "body", "the manifest is not valid YAML"),
        ("other: 1", "core", "the manifest has no 'core' mapping"),
        ("core:\n  flows: []", "core.name", "the manifest has no core.name"),
        ("core:\n  name: x", "core.flows", "the manifest has no core.flows list"),
        (
            "core:\n  name: x\n  flows:\n  - name: main",
            "core.flows[0].steps",
            "flow 'main' has no steps",
        ),
        (
            "core:\n  name: x\n  flows:\n  - name: main\n    steps:\n    - template: hi\n    - llm_call: hi",
            "core.flows[0].steps[1]",
            "unknown step keyword 'llm_call'",
        ),
        (
            "core:\n  name: x\n  flows:\n  - name: main\n    steps:\n    - branch:\n        cases:\n        - when: 'true'\n          steps:\n          - sleep: 1",
            "core.flows[0].steps[0].branch.cases[0].steps[0]",
            "unknown step keyword 'sleep'",
        ),
    ];
    for (yaml, field, problem) in cases {
        for content_type in ["application/yaml", "application/x-yaml", "text/yaml; charset=utf-8"] {
            let answer = send(&router, Method::POST, CORES, ACME, content_type, yaml).await;
            let error = assert_error(&answer, StatusCode::UNPROCESSABLE_ENTITY, "VALIDATION_ERROR");
            let message = error["message"].as_str().unwrap();
            assert!(message.starts_with("verifier error: "), "{message}");
            assert!(message.contains(problem), "{message}");
            assert_eq!(error["details"][0]["field"], field, "{yaml}");
        }
    }
    assert!(control.cores("tnt_acme").is_empty());
}

#[tokio::test]
async fn slugs_are_unique_per_tenant() {
    let router = router(config());
    let yaml = manifest("hello-world");
    let first = create_yaml(&router, ACME, &yaml).await;
    let second = create_yaml(&router, ACME, &yaml).await;
    let third = create_yaml(&router, ACME, &yaml).await;
    let theirs = create_yaml(&router, GLOBEX, &yaml).await;
    assert_eq!(
        [&first, &second, &third, &theirs].map(|c| c["slug"].as_str().unwrap()),
        ["hello-world", "hello-world-2", "hello-world-3", "hello-world"]
    );
    assert_ne!(id(&first), id(&second));
}

#[tokio::test]
async fn a_json_body_creates_a_core_with_or_without_a_manifest() {
    let (router, control) = router_with_control(config());
    let plain =
        post(&router, CORES, ACME, json!({"name": "Plain Core", "metadata": {"a": 1}})).await;
    assert_eq!(plain.status, StatusCode::CREATED, "{}", plain.body);
    let plain = &plain.body["data"];
    assert_eq!(plain["slug"], "plain-core");
    assert_eq!(plain["flows"], json!([]));
    assert_eq!(plain["metadata"], json!({"a": 1, "published": false}));
    let run = invoke(&router, ACME, id(plain), json!({})).await;
    assert_eq!(run["status"], "failed");
    assert_eq!(run["error"]["message"], "no runnable manifest");

    let source: Value = serde_yaml::from_str(&manifest("hello-world")).unwrap();
    let body = json!({"name": "Echo", "runtime_mode": "event_driven", "source": source});
    let echo = post(&router, CORES, ACME, body).await;
    assert_eq!(echo.status, StatusCode::CREATED, "{}", echo.body);
    assert_eq!(echo.body["data"]["flows"], json!(["hello-world"]));
    assert_eq!(echo.body["data"]["runtime_mode"], "event_driven");

    let nameless = post(&router, CORES, ACME, json!({"runtime_mode": "api"})).await;
    let error = assert_error(&nameless, StatusCode::UNPROCESSABLE_ENTITY, "VALIDATION_ERROR");
    assert_eq!(error["details"][0]["field"], "name");
    let bad_mode = post(&router, CORES, ACME, json!({"name": "x", "runtime_mode": "turbo"})).await;
    assert_error(&bad_mode, StatusCode::UNPROCESSABLE_ENTITY, "VALIDATION_ERROR");
    let broken = post(&router, CORES, ACME, json!({"name": "x", "source": {"core": {}}})).await;
    let error = assert_error(&broken, StatusCode::UNPROCESSABLE_ENTITY, "VALIDATION_ERROR");
    assert!(error["message"].as_str().unwrap().starts_with("verifier error: "));
    assert_eq!(control.cores("tnt_acme").len(), 2);
}

#[tokio::test]
async fn put_replaces_the_source_and_keeps_id_and_slug() {
    let router = router(config());
    let core = create_yaml(&router, ACME, &manifest("customer-support")).await;
    let path = format!("{CORES}/{}", id(&core));
    let hello = manifest("hello-world");

    let replaced = send(&router, Method::PUT, &path, ACME, "application/yaml", &hello).await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.body);
    let replaced = &replaced.body["data"];
    assert_eq!(replaced["id"], core["id"]);
    assert_eq!(replaced["slug"], "customer-support");
    assert_eq!(replaced["name"], "hello-world");
    assert_eq!(replaced["flows"], json!(["hello-world"]));
    assert_eq!(replaced["created_at"], core["created_at"]);
    let run = invoke(&router, ACME, id(&core), json!({"input": {"message": {"text": "hi"}}})).await;
    assert_eq!(run["output"], json!({"response": "You said: hi"}));

    let broken = send(&router, Method::PUT, &path, ACME, "application/yaml", "core: {}").await;
    assert_error(&broken, StatusCode::UNPROCESSABLE_ENTITY, "VALIDATION_ERROR");
    let renamed = call_json(&router, Method::PUT, &path, ACME, json!({"name": "Renamed"})).await;
    assert_eq!(renamed.body["data"]["name"], "Renamed");
    assert_eq!(renamed.body["data"]["flows"], json!(["hello-world"]));
}

async fn call_json(
    router: &Router,
    method: Method,
    path: &str,
    token: &str,
    body: Value,
) -> Answer {
    crate::call(router, method, path, Some(token), Some(body)).await
}

#[tokio::test]
async fn unknown_and_foreign_cores_are_not_found() {
    let router = router(config());
    let core = create_yaml(&router, ACME, &manifest("hello-world")).await;
    let path = format!("{CORES}/{}", id(&core));
    assert_error(&get(&router, &path, GLOBEX).await, StatusCode::NOT_FOUND, "NOT_FOUND");
    assert_error(
        &get(&router, &format!("{CORES}/core_nope"), ACME).await,
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
    );
    let hello = manifest("hello-world");
    let put = send(&router, Method::PUT, &path, GLOBEX, "application/yaml", &hello).await;
    assert_error(&put, StatusCode::NOT_FOUND, "NOT_FOUND");
    for action in ["publish", "sync", "invoke"] {
        let answer = post(&router, &format!("{path}/{action}"), GLOBEX, json!({})).await;
        assert_error(&answer, StatusCode::NOT_FOUND, "NOT_FOUND");
    }
    let foreign_events = get(&router, &format!("{EVENTS}?core_id={}", id(&core)), GLOBEX).await;
    assert_error(&foreign_events, StatusCode::NOT_FOUND, "NOT_FOUND");
    assert_eq!(get(&router, CORES, GLOBEX).await.body["data"], json!([]));
}

#[tokio::test]
async fn keys_without_scaicore_permissions_are_denied() {
    let router = router(config());
    let hello = manifest("hello-world");
    let create = send(&router, Method::POST, CORES, VIEWER, "application/yaml", &hello).await;
    let error = assert_error(&create, StatusCode::FORBIDDEN, "AUTHZ_PERMISSION_DENIED");
    assert_eq!(error["message"], "this key lacks scaicore:manage");
    let list = get(&router, CORES, VIEWER).await;
    let error = assert_error(&list, StatusCode::FORBIDDEN, "AUTHZ_PERMISSION_DENIED");
    assert_eq!(error["message"], "this key lacks scaicore:view");
    let resolve =
        post(&router, &format!("{CHECKPOINTS}/x/resolve"), VIEWER, json!({"resolution": "a"}))
            .await;
    let error = assert_error(&resolve, StatusCode::FORBIDDEN, "AUTHZ_PERMISSION_DENIED");
    assert_eq!(error["message"], "this key lacks scaicore:checkpoint_resolve");
}

#[tokio::test]
async fn publish_once_then_sync() {
    let router = router(config());
    let core = create_yaml(&router, ACME, &manifest("hello-world")).await;
    let other = create_yaml(&router, ACME, &manifest("customer-support")).await;
    let path = format!("{CORES}/{}", id(&core));

    let unpublished = post(&router, &format!("{path}/sync"), ACME, json!({})).await;
    let error = assert_error(&unpublished, StatusCode::BAD_REQUEST, "VALIDATION_ERROR");
    assert_eq!(error["message"], "Core is not published as a model; publish it first");

    let published =
        post(&router, &format!("{path}/publish"), ACME, json!({"group_ids": ["mg_chat"]})).await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.body);
    let data = &published.body["data"];
    assert_eq!(data["runtime_mode"], "model");
    let metadata = &data["metadata"];
    assert_eq!(metadata["published"], true);
    assert_eq!(metadata["published_slug"], "scaicore/acme/hello-world");
    assert!(metadata["published_model_id"].is_string());
    assert!(metadata["published_backend_id"].is_string());
    assert_eq!(metadata["group_ids"], json!(["mg_chat"]));

    let again = post(&router, &format!("{path}/publish"), ACME, json!({})).await;
    let error = assert_error(&again, StatusCode::BAD_REQUEST, "VALIDATION_ERROR");
    assert_eq!(error["message"], "Core is already published as a model");

    let synced =
        post(&router, &format!("{path}/sync"), ACME, json!({"group_ids": ["mg_a", "mg_b"]})).await;
    assert_eq!(synced.status, StatusCode::OK, "{}", synced.body);
    assert_eq!(synced.body["data"]["metadata"]["group_ids"], json!(["mg_a", "mg_b"]));
    assert_eq!(synced.body["data"]["metadata"]["published_slug"], "scaicore/acme/hello-world");

    // An empty body publishes too.
    let empty = crate::call(
        &router,
        Method::POST,
        &format!("{CORES}/{}/publish", id(&other)),
        Some(ACME),
        None,
    )
    .await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.body);
    assert_eq!(empty.body["data"]["metadata"]["group_ids"], json!([]));

    let slugs = |answer: &Answer| -> Vec<String> {
        answer.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["slug"].as_str().unwrap().to_owned())
            .collect()
    };
    let ours = slugs(&get(&router, "/v1/models?modality=chat", ACME).await);
    assert!(ours.contains(&"scaicore/acme/hello-world".to_owned()), "{ours:?}");
    assert!(ours.contains(&"scaicore/acme/customer-support".to_owned()), "{ours:?}");
    let theirs = slugs(&get(&router, "/v1/models", GLOBEX).await);
    assert!(!theirs.iter().any(|s| s.starts_with("scaicore/")), "{theirs:?}");
}

#[tokio::test]
async fn invoking_hello_world_reports_the_runtime_events() {
    let router = router(config());
    let core = create_yaml(&router, ACME, &manifest("hello-world")).await;
    let input = json!({"message": {"text": "hi"}});
    let run = invoke(&router, ACME, id(&core), json!({"input": input})).await;
    let execution_id = run["execution_id"].as_str().unwrap();
    assert!(execution_id.starts_with("exec_"), "{run}");
    assert_eq!(run["core_id"], core["id"]);
    assert_eq!(run["status"], "completed");
    assert_eq!(run["output"], json!({"response": "You said: hi"}));

    let (events, _) = events(&router, ACME, "").await;
    assert_eq!(types(&events), [STARTED, ENTERED, EXITED, COMPLETED]);
    assert_eq!(node_ids(&events), [None, Some("node_echo"), Some("node_echo"), None]);
    for event in &events {
        assert_eq!(event["core_id"], core["id"]);
        assert_eq!(event["payload"]["execution_id"], execution_id);
        assert!(event["timestamp"].as_str().unwrap().ends_with('Z'));
        assert_eq!(event.as_object().unwrap().len(), 4, "{event}");
    }
    assert_eq!(events[0]["payload"]["input"], input);
    assert_eq!(events[0]["payload"]["node_id"], Value::Null);
    assert_eq!(events[1]["payload"]["block_kind"], "rigid");
    assert_eq!(events[2]["payload"]["result_binding"], "node_echo");
    assert_eq!(events[2]["payload"]["result_binding_value"], "You said: hi");
    assert_eq!(events[3]["payload"]["output"], run["output"]);
    assert!(events[3]["payload"]["duration_ms"].is_u64());
}

#[tokio::test]
async fn events_page_with_a_cursor_that_polls_for_newer_ones() {
    let router = router(config());
    let hello = create_yaml(&router, ACME, &manifest("hello-world")).await;
    let support = create_yaml(&router, ACME, &manifest("customer-support")).await;
    invoke(&router, ACME, id(&hello), json!({})).await;
    invoke(&router, ACME, id(&hello), json!({})).await;
    invoke(&router, ACME, id(&support), json!({})).await;

    let (all, end) = events(&router, ACME, "?limit=500").await;
    let (ours, _) = events(&router, ACME, &format!("?core_id={}", id(&hello))).await;
    assert_eq!(ours.len(), 8);
    assert!(all.len() > 8);

    let mut seen = Vec::new();
    let mut query = format!("?core_id={}&limit=3", id(&hello));
    let mut cursor;
    loop {
        let (page, next) = events(&router, ACME, &query).await;
        cursor = next;
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 3);
        seen.extend(page);
        query = format!("?core_id={}&limit=3&cursor={cursor}", id(&hello));
    }
    assert_eq!(seen, ours);
    // Nothing new: the same cursor comes back, and stays usable.
    let (none, same) = events(&router, ACME, &query).await;
    assert!(none.is_empty());
    assert_eq!(same, cursor);

    invoke(&router, ACME, id(&hello), json!({})).await;
    let poll = format!("?core_id={}&cursor={cursor}", id(&hello));
    let (newer, _) = events(&router, ACME, &poll).await;
    assert_eq!(types(&newer), [STARTED, ENTERED, EXITED, COMPLETED]);
    let (after_end, _) = events(&router, ACME, &format!("?cursor={end}")).await;
    assert_eq!(after_end, newer);
    let (theirs, _) = events(&router, GLOBEX, "").await;
    assert!(theirs.is_empty());

    for query in ["?limit=501", "?limit=0", "?limit=ten", "?cursor=garbage"] {
        let answer = get(&router, &format!("{EVENTS}{query}"), ACME).await;
        assert_error(&answer, StatusCode::UNPROCESSABLE_ENTITY, "VALIDATION_ERROR");
    }
}

#[tokio::test]
async fn customer_support_completes_by_default() {
    let router = router(config());
    let core = create_yaml(&router, ACME, &manifest("customer-support")).await;
    let run = invoke(&router, ACME, id(&core), json!({"input": {"message": {"text": "hi"}}})).await;
    assert_eq!(run["status"], "completed", "{run}");
    assert_eq!(
        run["output"],
        json!({"response": "Generate a response grounded in the retrieved docs. [stub]"})
    );
    let (events, _) = events(&router, ACME, "").await;
    let entered: Vec<(&str, &str)> = events
        .iter()
        .filter(|e| e["type"] == ENTERED)
        .map(|e| {
            (
                e["payload"]["node_id"].as_str().unwrap(),
                e["payload"]["block_kind"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        entered,
        [
            ("node_classify", "flexible"),
            ("node_kb", "rigid"),
            ("node_respond", "guarded"),
            ("node_decide", "match"),
            ("node_reply", "rigid"),
        ]
    );
}

#[tokio::test]
async fn a_failed_guard_fails_the_invocation() {
    let router = router(config());
    let core = create_yaml(&router, ACME, &manifest("customer-support")).await;
    let body = json!({"input": {"_sim": {"answers": {"node_kb": []}}}});
    let run = invoke(&router, ACME, id(&core), body).await;
    assert_eq!(run["status"], "failed");
    assert_eq!(
        run["error"],
        json!({"message": "guard failed: kb_results.length > 0", "node_id": "node_respond"})
    );
    let (events, _) = events(&router, ACME, "").await;
    let last: Vec<&str> = types(&events).into_iter().rev().take(2).collect();
    assert_eq!(last, ["scaicore.runtime.invocation.failed", "scaicore.runtime.block.failed"]);
    let failed = &events[events.len() - 2]["payload"];
    assert_eq!(failed["node_id"], "node_respond");
    assert_eq!(failed["block_kind"], "guarded");
    assert_eq!(failed["error"]["message"], "guard failed: kb_results.length > 0");
}

#[tokio::test]
async fn a_checkpoint_suspends_and_resolving_it_resumes_the_run() {
    let (router, control) = router_with_control(config());
    let core = create_yaml(&router, ACME, &manifest("customer-support")).await;
    let run = invoke(&router, ACME, id(&core), unsure()).await;
    assert_eq!(run["status"], "suspended", "{run}");
    let checkpoint_id = run["checkpoint_id"].as_str().unwrap();
    assert_eq!(checkpoint_id.len(), 36, "{checkpoint_id}");
    assert!(run.get("output").is_none());

    let pending = get(&router, &format!("{CHECKPOINTS}?core_id={}", id(&core)), ACME).await;
    assert_eq!(pending.status, StatusCode::OK, "{}", pending.body);
    assert_eq!(pending.body["next_cursor"], Value::Null);
    let list = pending.body["data"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    let checkpoint = &list[0];
    assert_eq!(checkpoint["id"], checkpoint_id);
    assert_eq!(checkpoint["node_id"], "node_review");
    assert_eq!(checkpoint["checkpoint_type"], "hitl_review");
    assert_eq!(checkpoint["status"], "pending");
    assert_eq!(checkpoint["priority"], "normal");
    assert_eq!(checkpoint["options"], json!(["approve", "reject"]));
    assert_eq!(checkpoint["execution_id"], run["execution_id"]);
    assert_eq!(checkpoint["flow_name"], "customer-support");
    assert_eq!(checkpoint["block_index"], 3);
    assert_eq!(checkpoint["tenant_id"], "tnt_acme");
    assert_eq!(checkpoint["context"]["queue"], "review");
    assert_eq!(checkpoint["context"]["scope"], "support");
    assert_eq!(checkpoint["context"]["value"]["confidence"], 0.2);
    assert_eq!(checkpoint["resolution"], Value::Null);
    let (before, cursor) = events(&router, ACME, "").await;
    assert_eq!(before.last().unwrap()["type"], "scaicore.checkpoint_pending");
    assert_eq!(before.last().unwrap()["payload"]["checkpoint_id"], checkpoint_id);
    assert!(
        get(&router, &format!("{CHECKPOINTS}?status=resolved"), ACME).await.body["data"]
            == json!([])
    );
    assert!(
        get(&router, &format!("{CHECKPOINTS}?core_id={}", id(&core)), GLOBEX).await.status
            == StatusCode::NOT_FOUND
    );
    assert_eq!(get(&router, CHECKPOINTS, GLOBEX).await.body["data"], json!([]));
    let bad_status = get(&router, &format!("{CHECKPOINTS}?status=open"), ACME).await;
    assert_error(&bad_status, StatusCode::UNPROCESSABLE_ENTITY, "VALIDATION_ERROR");

    let resolve = format!("{CHECKPOINTS}/{checkpoint_id}/resolve");
    let wrong = post(&router, &resolve, ACME, json!({"resolution": "maybe"})).await;
    let error = assert_error(&wrong, StatusCode::UNPROCESSABLE_ENTITY, "VALIDATION_ERROR");
    assert!(error["message"].as_str().unwrap().contains("approve, reject"), "{error}");
    let missing = post(&router, &resolve, ACME, json!({"comment": "ok"})).await;
    assert_error(&missing, StatusCode::UNPROCESSABLE_ENTITY, "VALIDATION_ERROR");
    let foreign = post(&router, &resolve, GLOBEX, json!({"resolution": "approve"})).await;
    assert_error(&foreign, StatusCode::NOT_FOUND, "NOT_FOUND");

    let body =
        json!({"resolution": "approve", "comment": "fine", "resolved_by": "user:alice@acme"});
    let resolved = post(&router, &resolve, ACME, body).await;
    assert_eq!(resolved.status, StatusCode::OK, "{}", resolved.body);
    let data = &resolved.body["data"];
    assert_eq!(data["checkpoint"]["status"], "resolved");
    assert_eq!(data["checkpoint"]["resolution"], "approve");
    assert_eq!(data["checkpoint"]["resolved_by"], "user:alice@acme");
    assert_eq!(data["checkpoint"]["comment"], "fine");
    assert!(data["checkpoint"]["resolved_at"].is_string());
    assert_eq!(data["execution"]["status"], "completed");
    assert_eq!(data["execution"]["execution_id"], run["execution_id"]);
    assert_eq!(data["execution"]["output"], json!({"response": "approve"}));

    let (after, _) = events(&router, ACME, &format!("?cursor={cursor}")).await;
    assert_eq!(types(&after), ["scaicore.checkpoint_resolved", EXITED, EXITED, COMPLETED]);
    assert_eq!(
        node_ids(&after),
        [Some("node_review"), Some("node_review"), Some("node_decide"), None]
    );
    assert_eq!(after[1]["payload"]["result_binding"], "node_review");
    assert_eq!(after[1]["payload"]["result_binding_value"], "approve");
    let all = control.events("tnt_acme");
    assert_eq!(all.iter().filter(|e| e["type"] == STARTED).count(), 1);
    assert_eq!(
        all.iter()
            .filter(|e| e["type"] == ENTERED && e["payload"]["node_id"] == "node_classify")
            .count(),
        1
    );

    let again = post(&router, &resolve, ACME, json!({"resolution": "approve"})).await;
    assert_error(&again, StatusCode::CONFLICT, "CHECKPOINT_NOT_PENDING");
    let resolved_list = get(&router, &format!("{CHECKPOINTS}?status=resolved"), ACME).await;
    assert_eq!(resolved_list.body["data"][0]["id"], checkpoint_id);
    assert_eq!(get(&router, CHECKPOINTS, ACME).await.body["data"], json!([]));
}

#[tokio::test]
async fn expense_approver_waits_for_approval_then_notifies() {
    let router = router(config());
    let core = create_yaml(&router, ACME, &manifest("expense-approver")).await;
    let run = invoke(&router, ACME, id(&core), json!({"input": {"claim": {"amount": 42}}})).await;
    assert_eq!(run["status"], "suspended", "{run}");
    let checkpoints = get(&router, CHECKPOINTS, ACME).await;
    let checkpoint = &checkpoints.body["data"][0];
    assert_eq!(checkpoint["node_id"], "node_review");
    assert_eq!(checkpoint["prompt"], "Approve this expense claim?");
    assert_eq!(checkpoint["context"]["queue"], "approvals");
    assert!(checkpoint["context"]["fields"]["classification"].is_object(), "{checkpoint}");

    let resolve = format!("{CHECKPOINTS}/{}/resolve", run["checkpoint_id"].as_str().unwrap());
    let body = json!({"resolution": {"decision": "approve", "note": "ok"}});
    let resolved = post(&router, &resolve, ACME, body).await;
    assert_eq!(resolved.status, StatusCode::OK, "{}", resolved.body);
    assert_eq!(resolved.body["data"]["execution"]["status"], "completed");

    let (events, _) = events(&router, ACME, "").await;
    let notify = events
        .iter()
        .find(|e| e["type"] == EXITED && e["payload"]["node_id"] == "node_notify")
        .unwrap();
    let args = &notify["payload"]["result_binding_value"][0]["args"];
    assert_eq!(args["payload"]["decision"], "approve");
    assert_eq!(args["queue"], "outcomes");
    assert_eq!(types(&events).last().unwrap(), &COMPLETED);
}

#[tokio::test]
async fn invoke_checks_its_body() {
    let router = router(config());
    let core = create_yaml(&router, ACME, &manifest("hello-world")).await;
    let path = format!("{CORES}/{}/invoke", id(&core));
    for body in [json!([1]), json!({"input": "text"}), json!({"flow": 3}), json!({"flow": "nope"})]
    {
        let answer = post(&router, &path, ACME, body).await;
        assert_error(&answer, StatusCode::UNPROCESSABLE_ENTITY, "VALIDATION_ERROR");
    }
    let empty = crate::call(&router, Method::POST, &path, Some(ACME), None).await;
    assert_eq!(empty.body["data"]["output"], json!({"response": "You said: "}));
    let named = post(&router, &path, ACME, json!({"flow": "hello-world"})).await;
    assert_eq!(named.body["data"]["status"], "completed");
}

#[tokio::test]
async fn an_injected_verifier_error_rejects_the_core_over_http() {
    let sim = start(config()).await.unwrap();
    sim.fail_next(CORES, Fault::VerifierError, 1);
    let client = reqwest::Client::new();
    let url = format!("{}{CORES}", sim.url);
    let post = || {
        client
            .post(&url)
            .bearer_auth(ACME)
            .header("content-type", "application/yaml")
            .body(manifest("hello-world"))
            .send()
    };
    let rejected = post().await.unwrap();
    assert_eq!(rejected.status(), 422);
    assert_eq!(rejected.headers()["x-scaigrid-sim"], "test stand-in, not ScaiGrid");
    let body: Value = rejected.json().await.unwrap();
    assert_eq!(body["error"]["code"], "VALIDATION_ERROR");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("verifier error: ") && message.ends_with("(injected by the stand-in)"),
        "{message}"
    );
    assert!(sim.cores("tnt_acme").is_empty());

    let accepted = post().await.unwrap();
    assert_eq!(accepted.status(), 201);
    assert_eq!(sim.cores("tnt_acme").len(), 1);
}
