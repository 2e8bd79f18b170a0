//! ScaiQueue scopes and queues: creation, conflicts, validation and tenant isolation.

use axum::http::StatusCode;
use scaigrid_sim::router;
use serde_json::{Value, json};

use crate::{ACME, GLOBEX, assert_error, config, get, post};

const SCOPES: &str = "/v1/modules/scaiqueue/scopes";

async fn create_scope(router: &axum::Router, token: &str, slug: &str) -> Value {
    let answer =
        post(router, SCOPES, token, json!({"slug": slug, "display_name": "Finance"})).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    answer.body["data"].clone()
}

fn slugs(list: &Value) -> Vec<&str> {
    list.as_array().unwrap().iter().map(|item| item["slug"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn a_created_scope_is_listed_with_its_fields() {
    let router = router(config());
    let scope = create_scope(&router, ACME, "finance-approvals").await;
    assert!(scope["id"].as_str().unwrap().starts_with("sc_"));
    assert_eq!(scope["slug"], "finance-approvals");
    assert_eq!(scope["display_name"], "Finance");

    let list = get(&router, SCOPES, ACME).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.body["data"], json!([scope]));

    let one = get(&router, &format!("{SCOPES}/{}", scope["id"].as_str().unwrap()), ACME).await;
    assert_eq!(one.body["data"], scope);
}

#[tokio::test]
async fn a_duplicate_scope_slug_is_a_slug_conflict() {
    let router = router(config());
    create_scope(&router, ACME, "finance").await;
    let again = post(&router, SCOPES, ACME, json!({"slug": "finance"})).await;
    assert_error(&again, StatusCode::CONFLICT, "SLUG_CONFLICT");
    // Another tenant may use the same slug.
    create_scope(&router, GLOBEX, "finance").await;
}

#[tokio::test]
async fn a_missing_or_bad_slug_is_a_validation_error_with_details() {
    let router = router(config());
    let missing = post(&router, SCOPES, ACME, json!({"display_name": "x"})).await;
    let error = assert_error(&missing, StatusCode::UNPROCESSABLE_ENTITY, "VALIDATION_ERROR");
    assert_eq!(error["details"][0]["field"], "slug");

    let bad = post(&router, SCOPES, ACME, json!({"slug": "Not A Slug", "description": 3})).await;
    let error = assert_error(&bad, StatusCode::UNPROCESSABLE_ENTITY, "VALIDATION_ERROR");
    let fields: Vec<&str> =
        error["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["slug", "description"]);

    let not_json = crate::call(
        &router,
        axum::http::Method::POST,
        SCOPES,
        Some(ACME),
        Some(json!(["not", "an", "object"])),
    )
    .await;
    assert_error(&not_json, StatusCode::UNPROCESSABLE_ENTITY, "VALIDATION_ERROR");
}

#[tokio::test]
async fn queues_are_created_once_per_scope() {
    let router = router(config());
    let scope = create_scope(&router, ACME, "finance").await;
    let queues = format!("{SCOPES}/{}/queues", scope["id"].as_str().unwrap());

    let system = get(&router, &queues, ACME).await;
    assert_eq!(
        slugs(&system.body["data"]),
        ["_dead_letter", "_events", "_audit", "_integrity", "_corrections"]
    );

    let created = post(
        &router,
        &queues,
        ACME,
        json!({"slug": "expense-review", "ordering": "priority", "max_retries": 3}),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let queue = &created.body["data"];
    assert!(queue["id"].as_str().unwrap().starts_with("q_"));
    assert_eq!(queue["scope_id"], scope["id"]);
    assert_eq!(queue["ordering"], "priority");
    assert_eq!(queue["consumer_mode"], "competing");
    assert_eq!(queue["max_retries"], 3);

    let again = post(&router, &queues, ACME, json!({"slug": "expense-review"})).await;
    assert_error(&again, StatusCode::CONFLICT, "SLUG_CONFLICT");

    let listed = get(&router, &queues, ACME).await;
    assert_eq!(slugs(&listed.body["data"]).last(), Some(&"expense-review"));

    let bad = post(
        &router,
        &queues,
        ACME,
        json!({"slug": "x", "ordering": "random", "max_retries": 101}),
    )
    .await;
    let error = assert_error(&bad, StatusCode::UNPROCESSABLE_ENTITY, "VALIDATION_ERROR");
    assert_eq!(error["details"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn another_tenants_scope_is_not_found_and_not_listed() {
    let router = router(config());
    let scope = create_scope(&router, ACME, "finance").await;
    let id = scope["id"].as_str().unwrap();

    let theirs = get(&router, SCOPES, GLOBEX).await;
    assert_eq!(theirs.body["data"], json!([]));
    for path in [format!("{SCOPES}/{id}"), format!("{SCOPES}/{id}/queues")] {
        assert_error(&get(&router, &path, GLOBEX).await, StatusCode::NOT_FOUND, "NOT_FOUND");
    }
    let create =
        post(&router, &format!("{SCOPES}/{id}/queues"), GLOBEX, json!({"slug": "q"})).await;
    assert_error(&create, StatusCode::NOT_FOUND, "NOT_FOUND");
    let unknown = get(&router, &format!("{SCOPES}/sc_missing/queues"), ACME).await;
    assert_error(&unknown, StatusCode::NOT_FOUND, "NOT_FOUND");
}
