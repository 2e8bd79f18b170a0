//! Server-side rendering: the home page with the hydration scripts, and the editor's shell with
//! the editor's own bundle.

use axum::http::StatusCode;

use crate::TestApp;

#[tokio::test]
async fn the_home_page_lists_the_examples_and_carries_the_hydration_scripts() {
    let app = TestApp::new().await;
    let (status, html, content_type) = app.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.unwrap().starts_with("text/html"));
    for expected in [
        r#"id="new-flow""#,
        r#"id="flow-search""#,
        r#"data-example="customer-support""#,
        r#"data-example="expense-approver""#,
        r#"data-example="hello-world""#,
        r#"href="/examples/customer-support""#,
        r#"data-ready="false""#,
        "/pkg/scaiflow.js",
        "/pkg/scaiflow.wasm",
        "/pkg/scaiflow.css",
        "<title>ScaiFlow</title>",
    ] {
        assert!(html.contains(expected), "missing {expected:?} in {html}");
    }
}

#[tokio::test]
async fn editor_routes_render_a_shell_the_browser_fills_in() {
    let app = TestApp::new().await;
    for uri in ["/flows/new", "/flows/some-id", "/drafts/some-id", "/examples/customer-support"] {
        let (status, html, _) = app.get(uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(html.contains("Opening the editor"), "{uri}: {html}");
        // The editor's own bundle renders the editor; the pages' bundle is not loaded.
        assert!(html.contains("/editor/pkg/editor.wasm"), "{uri}: {html}");
        assert!(html.contains("/editor/pkg/editor.js"), "{uri}: {html}");
        assert!(!html.contains("/pkg/scaiflow.wasm"), "{uri}: {html}");
        assert!(!html.contains("/pkg/scaiflow.js"), "{uri}: {html}");
    }
}

#[tokio::test]
async fn unknown_pages_are_404() {
    let app = TestApp::new().await;
    let (status, html, _) = app.get("/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Page not found"));
}

/// The server picks a page's bundle by `app::is_editor_path`, and each bundle sends the other's
/// addresses to the server by it: it must name exactly the editor bundle's routes, or a page
/// would load the bundle without its route.
#[test]
fn the_editor_path_rule_names_exactly_the_editor_bundles_routes() {
    let paths = |routes: Vec<leptos_axum::AxumRouteListing>| -> Vec<String> {
        routes
            .iter()
            .map(|route| {
                let segments = route.path().split('/').map(|segment| {
                    if segment.starts_with([':', '{']) { "some-id" } else { segment }
                });
                segments.collect::<Vec<_>>().join("/")
            })
            .collect()
    };
    let editor = paths(leptos_axum::generate_route_list(app::EditorApp));
    let pages = paths(leptos_axum::generate_route_list(app::Pages));
    assert_eq!(editor.len(), 4, "{editor:?}");
    assert!(pages.len() >= 4, "{pages:?}");
    for path in &editor {
        assert!(app::is_editor_path(path), "{path} is the editor's");
    }
    for path in &pages {
        assert!(!app::is_editor_path(path), "{path} is not the editor's");
    }
    let every = paths(leptos_axum::generate_route_list(app::App));
    assert_eq!(every.len(), editor.len() + pages.len(), "{every:?}");
}
