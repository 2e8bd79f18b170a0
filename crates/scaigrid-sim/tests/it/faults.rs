//! Fault injection and request counts, on a started stand-in over real HTTP.

use scaigrid_sim::{DEMO_KEY, Fault, SimConfig, start};
use serde_json::Value;

#[tokio::test]
async fn injected_faults_answer_then_run_out() {
    let sim = start(SimConfig::demo()).await.unwrap();
    assert!(sim.url.starts_with("http://127.0.0.1:"), "{}", sim.url);
    sim.fail_next("/v1/models", Fault::RateLimited { retry_after_s: 7 }, 1);
    sim.fail_next("/v1/models", Fault::ModelUnavailable, 1);
    let client = reqwest::Client::new();
    let models = format!("{}/v1/models", sim.url);

    let limited = client.get(&models).bearer_auth(DEMO_KEY).send().await.unwrap();
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["retry-after"], "7");
    assert_eq!(limited.headers()["x-scaigrid-sim"], "test stand-in, not ScaiGrid");
    let body: Value = limited.json().await.unwrap();
    assert_eq!(body["error"]["code"], "RATE_LIMITED");
    assert_eq!(body["error"]["retry_after"], 7);
    assert!(body["meta"]["request_id"].is_string());

    let unavailable = client.get(&models).bearer_auth(DEMO_KEY).send().await.unwrap();
    assert_eq!(unavailable.status(), 503);
    let body: Value = unavailable.json().await.unwrap();
    assert_eq!(body["error"]["code"], "MODEL_UNAVAILABLE");

    let served = client.get(&models).bearer_auth(DEMO_KEY).send().await.unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(sim.hits("/v1/models"), 3);
    assert_eq!(sim.hits("/health"), 0);
}

#[tokio::test]
async fn faults_match_by_prefix_only() {
    let sim = start(SimConfig::demo()).await.unwrap();
    sim.control().fail_next("/v1/modules/scaiqueue", Fault::ModelUnavailable, 2);
    let client = reqwest::Client::new();
    let health = client.get(format!("{}/health", sim.url)).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let scopes = format!("{}/v1/modules/scaiqueue/scopes", sim.url);
    for expected in [503, 503, 200] {
        let answer = client.get(&scopes).bearer_auth(DEMO_KEY).send().await.unwrap();
        assert_eq!(answer.status(), expected);
    }
    assert_eq!(sim.hits("/v1/modules/scaiqueue/scopes"), 3);
}
