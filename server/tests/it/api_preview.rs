//! `/api/v1/flows/compile` and `/api/v1/flows/validate`.

use axum::http::{Method, StatusCode};
use base64::Engine;
use scaiflow_server::caller::Principal;
use serde_json::json;

use crate::{TestApp, example};

#[tokio::test]
async fn compile_returns_each_format() {
    let app = TestApp::new().await;
    let me = Principal::local();
    for format in ["yaml", "ir", "scai"] {
        let reply = app
            .call(
                Method::POST,
                "/api/v1/flows/compile",
                Some(&json!({"content": example(), "format": format})),
                &me,
                &[],
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert_eq!(reply.json["format"], format);
        assert_eq!(reply.json["errors"], json!([]));
        let body = reply.json["body"].as_str().unwrap();
        match format {
            "yaml" => assert!(body.starts_with("core:\n"), "{body}"),
            "scai" => assert!(body.contains("@core CustomerSupport"), "{body}"),
            _ => {
                let bytes = base64::engine::general_purpose::STANDARD.decode(body).unwrap();
                assert!(compiler::decode(&bytes).is_ok());
            }
        }
    }
    let default = app
        .call(Method::POST, "/api/v1/flows/compile", Some(&json!({"content": example()})), &me, &[])
        .await;
    assert_eq!(default.json["format"], "yaml");
}

#[tokio::test]
async fn compile_errors_are_answers_not_failures() {
    let app = TestApp::new().await;
    let mut broken = example();
    broken["edges"][0]["source"]["port"] = json!("out_typo");
    let reply = app
        .call(
            Method::POST,
            "/api/v1/flows/compile",
            Some(&json!({"content": broken, "format": "yaml"})),
            &Principal::local(),
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json["body"], "");
    assert_eq!(
        reply.json["errors"][0]["message"],
        "edge 'edge_1': source node 'node_entry' has no output port 'out_typo'"
    );
    assert_eq!(reply.json["errors"][0]["edge_id"], "edge_1");

    let not_a_flow = app
        .call(
            Method::POST,
            "/api/v1/flows/compile",
            Some(&json!({"content": {"nodes": 3}})),
            &Principal::local(),
            &[],
        )
        .await;
    assert_eq!(not_a_flow.status, StatusCode::OK);
    assert!(
        not_a_flow.json["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("not a FlowGraph document")
    );

    let bad_format = app
        .call(
            Method::POST,
            "/api/v1/flows/compile",
            Some(&json!({"content": example(), "format": "xml"})),
            &Principal::local(),
            &[],
        )
        .await;
    assert_eq!(bad_format.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad_format.json["detail"]["pointer"], "/format");
}

#[tokio::test]
async fn validate_returns_every_diagnostic_in_the_documented_shape() {
    let app = TestApp::new().await;
    let me = Principal::local();
    let ok = app
        .call(
            Method::POST,
            "/api/v1/flows/validate",
            Some(&json!({"content": example()})),
            &me,
            &[],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.json, json!({"valid": true, "diagnostics": []}));

    let mut broken = example();
    broken["edges"][2]["source"]["port"] = json!("out_typo");
    broken["nodes"][2]["outputs"] = json!([{"id": "out"}, {"id": "out_aux"}]);
    broken["edges"][2]["source"]["port"] = json!("out_typo");
    let reply = app
        .call(Method::POST, "/api/v1/flows/validate", Some(&json!({"content": broken})), &me, &[])
        .await;
    assert_eq!(reply.json["valid"], false);
    let first = &reply.json["diagnostics"][0];
    assert_eq!(
        first,
        &json!({"severity": "error", "message": "edge 'edge_3': source node 'node_kb' has no output port 'out_typo'",
                "path": "edges[2]", "node_id": null, "edge_id": "edge_3"})
    );
}

#[tokio::test]
async fn me_names_the_caller_and_their_tenant() {
    let app = TestApp::new().await;
    let reply = app.call(Method::GET, "/api/v1/me", None, &Principal::local(), &[]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.json["sub"], "usr_local");
    assert_eq!(reply.json["tenant_id"], "tnt_local");
    assert_eq!(reply.json["tenant_slug"], "local");
    assert_eq!(reply.json["admin_role"], "super_admin");
}

#[tokio::test]
async fn scaigrid_credentials_say_whether_the_server_can_reach_scaigrid() {
    let app = TestApp::new().await;
    let path = "/api/v1/tenants/me/scaigrid_credentials";
    let reply = app.call(Method::GET, path, None, &Principal::local(), &[]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(
        reply.json,
        json!({"configured": false, "user_token": false, "base_url": null, "masked_key": null})
    );
}
