//! `GET /v1/modules/scaibunker/bunkers`: per-tenant seeds and cursor paging.

use axum::http::StatusCode;
use scaigrid_sim::{DEMO_KEY, SimConfig, router};
use serde_json::json;

use crate::{ACME, GLOBEX, config, get};

const BUNKERS: &str = "/v1/modules/scaibunker/bunkers";

#[tokio::test]
async fn the_demo_bunker_is_listed_for_the_demo_key() {
    let answer = get(&router(SimConfig::demo()), BUNKERS, DEMO_KEY).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body["data"][0]["id"], "bnk_sim_demo");
    assert_eq!(answer.body["has_more"], false);
    assert_eq!(answer.body["next_cursor"], serde_json::Value::Null);
}

#[tokio::test]
async fn bunkers_are_per_tenant_and_paged() {
    let mut config = config();
    config.bunkers = vec![
        json!({"id": "bnk_a1", "tenant_id": "tnt_acme", "status": "running"}),
        json!({"id": "bnk_g1", "tenant_id": "tnt_globex", "status": "running"}),
        json!({"id": "bnk_a2", "tenant_id": "tnt_acme", "status": "paused"}),
        json!({"id": "bnk_shared", "status": "running"}),
    ];
    let router = router(config);

    let first = get(&router, &format!("{BUNKERS}?limit=2"), ACME).await;
    let ids = |answer: &crate::Answer| -> Vec<String> {
        answer.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(&first), ["bnk_a1", "bnk_a2"]);
    assert_eq!(first.body["has_more"], true);
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let second = get(&router, &format!("{BUNKERS}?limit=2&cursor={cursor}"), ACME).await;
    assert_eq!(ids(&second), ["bnk_shared"]);
    assert_eq!(second.body["has_more"], false);

    assert_eq!(ids(&get(&router, BUNKERS, GLOBEX).await), ["bnk_g1", "bnk_shared"]);
    assert_eq!(ids(&get(&router, &format!("{BUNKERS}?status=paused"), ACME).await), ["bnk_a2"]);
}
