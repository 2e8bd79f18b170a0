//! `/api/openapi.json`: an OpenAPI 3.1 document of every route, and every documented route is
//! served.

use axum::http::{Method, StatusCode};
use scaiflow_server::caller::Principal;
use serde_json::json;

use crate::TestApp;

pub const EXPECTED: [(&str, &str); 39] = [
    ("get", "/flows"),
    ("post", "/flows"),
    ("get", "/flows/{id}"),
    ("put", "/flows/{id}"),
    ("delete", "/flows/{id}"),
    ("post", "/flows/{id}/restore"),
    ("get", "/flows/{id}/versions"),
    ("get", "/flows/{id}/versions/{version}"),
    ("get", "/flows/{id}/deployments"),
    ("post", "/flows/{id}/deploy"),
    ("post", "/dev/deploy"),
    ("get", "/flows/{id}/acls"),
    ("post", "/flows/{id}/acls"),
    ("patch", "/flows/{id}/acls/{acl_id}"),
    ("delete", "/flows/{id}/acls/{acl_id}"),
    ("post", "/flows/compile"),
    ("post", "/flows/validate"),
    ("get", "/me"),
    ("get", "/auth/config"),
    ("post", "/auth/exchange"),
    ("post", "/auth/refresh"),
    ("get", "/tenants/me/scaigrid_credentials"),
    ("get", "/tenants/me/principals"),
    ("post", "/tenants/me/scaigrid_credentials"),
    ("post", "/webhooks/scaikey"),
    ("get", "/scaigrid/models"),
    ("get", "/scaiqueue/scopes"),
    ("get", "/scaiqueue/scopes/{scope_id}/queues"),
    ("get", "/scaibunker/bunkers"),
    ("get", "/scaicore/events"),
    ("get", "/scaicore/checkpoints"),
    ("post", "/scaicore/checkpoints/{checkpoint_id}/resolve"),
    ("post", "/scaicore/cores/{core_id}/invoke"),
    ("get", "/admin/users"),
    ("get", "/admin/tenant/users"),
    ("get", "/admin/tenant/flows"),
    ("post", "/admin/users/{user_id}/role"),
    ("delete", "/admin/users/{user_id}/role"),
    ("post", "/admin/sync"),
];

#[tokio::test]
async fn the_document_lists_exactly_the_routes_and_each_is_served() {
    let app = TestApp::new().await;
    let (status, text, _) = app.get("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let document: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"), "{}", document["openapi"]);
    assert_eq!(document["servers"][0]["url"], "/api/v1");
    // `scaiflow-server openapi` prints the same document.
    assert_eq!(document, serde_json::to_value(scaiflow_server::api::document()).unwrap());

    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in item
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| ["get", "post", "put", "delete", "patch"].contains(&k.as_str()))
        {
            documented.push((method.clone(), path.clone()));
        }
    }
    documented.sort();
    let mut expected: Vec<(String, String)> =
        EXPECTED.iter().map(|(m, p)| (m.to_string(), p.to_string())).collect();
    expected.sort();
    assert_eq!(documented, expected);

    // Each documented operation reaches a handler: never the API's "no such endpoint" answer
    // and never "method not allowed".
    for (method, path) in &documented {
        let (uri, method, body) = placeholder_request(method, path);
        let reply = app.call(method.clone(), &uri, body.as_ref(), &Principal::local(), &[]).await;
        assert_ne!(reply.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}");
        assert_ne!(reply.json["detail"]["message"], "endpoint not found", "{method} {uri}");
    }
}

/// A request to a documented route: its path parameters filled with ids that do not exist, and
/// an empty JSON object as the body of writes.
pub fn placeholder_request(
    method: &str,
    path: &str,
) -> (String, Method, Option<serde_json::Value>) {
    let uri = format!(
        "/api/v1{}",
        path.replace("{id}", "flow_none")
            .replace("{version}", "1.0.0")
            .replace("{acl_id}", "acl_none")
            .replace("{user_id}", "usr_none")
            .replace("{scope_id}", "sc_none")
            .replace("{checkpoint_id}", "cp_none")
            .replace("{core_id}", "core_none")
    );
    let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
    let body = [Method::POST, Method::PUT, Method::PATCH].contains(&method).then(|| json!({}));
    (uri, method, body)
}

/// What OpenAPI requires of each operation that a generator can get wrong: a description on
/// every response, path parameters only where the path names them, unique operation ids. (The
/// test command also runs a standard validator over the whole document.)
#[test]
fn every_operation_is_well_formed() {
    let document = serde_json::to_value(scaiflow_server::api::document()).unwrap();
    let mut ids = std::collections::BTreeSet::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"].as_str().unwrap_or_default().to_owned();
            assert!(ids.insert(id.clone()), "operationId '{id}' is used twice ({method} {path})");
            for (status, response) in operation["responses"].as_object().unwrap() {
                let words = response["description"].as_str().unwrap_or_default();
                assert!(!words.is_empty(), "{method} {path} {status} has no description");
            }
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let name = parameter["name"].as_str().unwrap();
                let named = path.contains(&format!("{{{name}}}"));
                assert_eq!(parameter["in"] == "path", named, "{method} {path}: parameter {name}");
            }
        }
    }
}
