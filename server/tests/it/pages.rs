//! Server-side rendering: the editor page carries the example flow and the hydration scripts.

use axum::http::StatusCode;

use crate::TestApp;

#[tokio::test]
async fn the_editor_is_rendered_with_the_example_flow() {
    let app = TestApp::new().await;
    let (status, html, content_type) = app.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.unwrap().starts_with("text/html"));
    for expected in [
        r#"id="flow-canvas""#,
        r#"data-node-id="node_entry""#,
        r#"data-node-id="node_review""#,
        r#"data-edge-id="edge_5""#,
        "Classify Intent",
        "Flexible Prompt",
        "confidence &gt; 0.7",
        "--node-colour: #2563eb",
        r#"data-hydrated="false""#,
        "/pkg/scaiflow.js",
        "/pkg/scaiflow.wasm",
        "/pkg/scaiflow.css",
        "<title>ScaiFlow</title>",
    ] {
        assert!(html.contains(expected), "missing {expected:?} in {html}");
    }
    let nodes = html.matches(r#"class="node node-"#).count();
    assert_eq!(nodes, 7, "one card per node of the example");
}

#[tokio::test]
async fn unknown_pages_are_404() {
    let app = TestApp::new().await;
    let (status, html, _) = app.get("/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Page not found"));
}
