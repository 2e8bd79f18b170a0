//! `/api/v1/flows`: the happy paths and the access rules.

use axum::http::{Method, StatusCode, header};
use scaiflow_server::caller::Principal;
use scaiflow_server::with_pool;
use serde_json::{Value, json};

use crate::{TestApp, example, member, other_tenant};

async fn create(app: &TestApp, name: &str) -> Value {
    let body = json!({"name": name, "description": "made by a test", "content": example()});
    let reply =
        app.call(Method::POST, "/api/v1/flows", Some(&body), &Principal::local(), &[]).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.json
}

async fn put(app: &TestApp, id: &str, body: Value, headers: &[(&str, &str)]) -> crate::Reply {
    app.call(Method::PUT, &format!("/api/v1/flows/{id}"), Some(&body), &Principal::local(), headers)
        .await
}

/// The example with one node relabelled: new content.
fn edited(label: &str) -> Value {
    let mut content = example();
    content["nodes"][1]["label"] = json!(label);
    content
}

#[tokio::test]
async fn create_then_read_the_same_flow() {
    let app = TestApp::new().await;
    let body = json!({"name": "Support", "description": "Triage", "content": example()});
    let reply =
        app.call(Method::POST, "/api/v1/flows", Some(&body), &Principal::local(), &[]).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let id = reply.json["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("flow_"), "{id}");
    assert_eq!(reply.headers[header::ETAG], "\"1.0.0\"");
    assert_eq!(reply.headers[header::LOCATION], format!("/api/v1/flows/{id}").as_str());
    let created = &reply.json;
    assert_eq!(created["name"], "Support");
    assert_eq!(created["description"], "Triage");
    assert_eq!(
        (created["owner_id"].as_str(), created["tenant_id"].as_str()),
        (Some("usr_local"), Some("tnt_local"))
    );
    assert_eq!(created["version"], "1.0.0");
    assert_eq!(created["access"], "admin");
    assert_eq!(created["content"]["id"], id.as_str(), "the stored document carries the flow's id");
    let stored: flow_model::FlowGraph = serde_json::from_value(created["content"].clone()).unwrap();
    let sent: flow_model::FlowGraph = serde_json::from_value(example()).unwrap();
    assert_eq!(stored.nodes, sent.nodes);
    assert_eq!(stored.edges, sent.edges);
    assert!(created["created_at"].as_str().unwrap().ends_with('Z'));

    let read =
        app.call(Method::GET, &format!("/api/v1/flows/{id}"), None, &Principal::local(), &[]).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.headers[header::ETAG], "\"1.0.0\"");
    assert_eq!(read.json, *created);
}

#[tokio::test]
async fn content_changes_make_new_versions_and_old_ones_stay_readable() {
    let app = TestApp::new().await;
    let id = create(&app, "Versions").await["id"].as_str().unwrap().to_owned();

    let changed = put(&app, &id, json!({"content": edited("Classify v2")}), &[]).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    assert_eq!(changed.json["version"], "1.0.1");
    assert_eq!(changed.headers[header::ETAG], "\"1.0.1\"");
    assert_eq!(changed.json["content"]["version"], "1.0.1");
    assert_eq!(changed.json["content"]["nodes"][1]["label"], "Classify v2");

    // Metadata alone, or the same content again, keeps the version.
    let renamed =
        put(&app, &id, json!({"name": "Versions renamed", "description": "new words"}), &[]).await;
    assert_eq!((renamed.status, renamed.json["version"].as_str()), (StatusCode::OK, Some("1.0.1")));
    assert_eq!(renamed.json["name"], "Versions renamed");
    let same = put(&app, &id, json!({"content": edited("Classify v2")}), &[]).await;
    assert_eq!(same.json["version"], "1.0.1");

    let versions = app
        .call(Method::GET, &format!("/api/v1/flows/{id}/versions"), None, &Principal::local(), &[])
        .await;
    assert_eq!(versions.status, StatusCode::OK);
    let items = versions.json["items"].as_array().unwrap();
    assert_eq!(versions.json["total"], 2);
    assert_eq!(items[0]["version"], "1.0.1");
    assert_eq!(items[1]["version"], "1.0.0");
    for item in items {
        assert_eq!(item["author_id"], "usr_local");
        assert_eq!(item["sha256"].as_str().unwrap().len(), 64);
        assert!(item["size"].as_i64().unwrap() > 100);
    }

    let old = app
        .call(
            Method::GET,
            &format!("/api/v1/flows/{id}/versions/1.0.0"),
            None,
            &Principal::local(),
            &[],
        )
        .await;
    assert_eq!(old.status, StatusCode::OK);
    assert_eq!(old.json["content"]["nodes"][1]["label"], "Classify Intent");
    assert_eq!(old.json["content"]["version"], "1.0.0");
    let missing = app
        .call(
            Method::GET,
            &format!("/api/v1/flows/{id}/versions/9.9.9"),
            None,
            &Principal::local(),
            &[],
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_stale_if_match_is_a_conflict_and_writes_nothing() {
    let app = TestApp::new().await;
    let id = create(&app, "Conflicts").await["id"].as_str().unwrap().to_owned();
    assert_eq!(
        put(&app, &id, json!({"content": edited("A")}), &[("If-Match", "\"1.0.0\"")]).await.status,
        StatusCode::OK
    );

    let stale =
        put(&app, &id, json!({"content": edited("B"), "name": "B"}), &[("If-Match", "\"1.0.0\"")])
            .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text);
    assert_eq!(stale.json["detail"]["error"], "version_conflict");
    assert_eq!(stale.json["detail"]["current_version"], "1.0.1");
    assert!(stale.json["detail"]["fix"].is_string());

    let now =
        app.call(Method::GET, &format!("/api/v1/flows/{id}"), None, &Principal::local(), &[]).await;
    assert_eq!(now.json["name"], "Conflicts");
    assert_eq!(now.json["content"]["nodes"][1]["label"], "A");
    let versions = app
        .call(Method::GET, &format!("/api/v1/flows/{id}/versions"), None, &Principal::local(), &[])
        .await;
    assert_eq!(versions.json["total"], 2);

    // The current version, in any usual spelling, is accepted.
    let fresh =
        put(&app, &id, json!({"content": edited("C")}), &[("If-Match", "W/\"1.0.1\"")]).await;
    assert_eq!((fresh.status, fresh.json["version"].as_str()), (StatusCode::OK, Some("1.0.2")));
}

#[tokio::test]
async fn other_tenants_flows_do_not_exist_for_them() {
    let app = TestApp::new().await;
    let id = create(&app, "Private").await["id"].as_str().unwrap().to_owned();
    let stranger = other_tenant();
    for (method, uri) in [
        (Method::GET, format!("/api/v1/flows/{id}")),
        (Method::DELETE, format!("/api/v1/flows/{id}")),
        (Method::GET, format!("/api/v1/flows/{id}/versions")),
        (Method::GET, format!("/api/v1/flows/{id}/versions/1.0.0")),
        (Method::GET, format!("/api/v1/flows/{id}/deployments")),
        (Method::POST, format!("/api/v1/flows/{id}/restore")),
    ] {
        let reply = app.call(method.clone(), &uri, None, &stranger, &[]).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{method} {uri}: {}", reply.text);
        assert_eq!(reply.json["detail"]["error"], "not_found");
    }
    let write = app
        .call(
            Method::PUT,
            &format!("/api/v1/flows/{id}"),
            Some(&json!({"name": "mine"})),
            &stranger,
            &[],
        )
        .await;
    assert_eq!(write.status, StatusCode::NOT_FOUND);
    let list = app.call(Method::GET, "/api/v1/flows", None, &stranger, &[]).await;
    assert_eq!(list.json["total"], 0);
}

/// Grants a user of the local tenant a level on a flow, as the ACL endpoints will.
async fn grant(app: &TestApp, flow: &str, principal_type: &str, principal_id: &str, level: &str) {
    with_pool!(&app.state.db, pool => {
        sqlx::query(
            "INSERT INTO flow_acls (id, flow_id, principal_type, principal_id, level, granted_by, granted_at) \
             VALUES (?, ?, ?, ?, ?, 'usr_local', 0)",
        )
        .bind(format!("acl_{principal_id}_{flow}"))
        .bind(flow)
        .bind(principal_type)
        .bind(principal_id)
        .bind(level)
        .execute(pool)
        .await
        .unwrap();
    });
}

#[tokio::test]
async fn grants_decide_what_members_may_do() {
    let app = TestApp::new().await;
    let id = create(&app, "Shared").await["id"].as_str().unwrap().to_owned();
    let _hidden = create(&app, "Hidden").await;
    let viewer = member("usr_viewer");
    let nobody = member("usr_nobody");
    grant(&app, &id, "user", "usr_viewer", "view").await;

    let read = app.call(Method::GET, &format!("/api/v1/flows/{id}"), None, &viewer, &[]).await;
    assert_eq!((read.status, read.json["access"].as_str()), (StatusCode::OK, Some("view")));
    let list = app.call(Method::GET, "/api/v1/flows", None, &viewer, &[]).await;
    assert_eq!(list.json["total"], 1, "{}", list.text);
    assert_eq!(list.json["items"][0]["id"], id.as_str());

    let write = app
        .call(
            Method::PUT,
            &format!("/api/v1/flows/{id}"),
            Some(&json!({"name": "x"})),
            &viewer,
            &[],
        )
        .await;
    assert_eq!(write.status, StatusCode::FORBIDDEN, "{}", write.text);
    assert_eq!(write.json["detail"]["error"], "forbidden");
    let delete = app.call(Method::DELETE, &format!("/api/v1/flows/{id}"), None, &viewer, &[]).await;
    assert_eq!(delete.status, StatusCode::FORBIDDEN);

    // Without any grant, a flow of the same tenant is as invisible as another tenant's.
    assert_eq!(
        app.call(Method::GET, &format!("/api/v1/flows/{id}"), None, &nobody, &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.call(Method::GET, "/api/v1/flows", None, &nobody, &[]).await.json["total"], 0);

    // Group grants count, and editors may save.
    let editor = Principal { groups: vec!["grp_editors".into()], ..member("usr_editor") };
    grant(&app, &id, "group", "grp_editors", "edit").await;
    let saved = app
        .call(
            Method::PUT,
            &format!("/api/v1/flows/{id}"),
            Some(&json!({"content": edited("by editor")})),
            &editor,
            &[],
        )
        .await;
    assert_eq!(
        (saved.status, saved.json["access"].as_str()),
        (StatusCode::OK, Some("edit")),
        "{}",
        saved.text
    );
    let versions =
        app.call(Method::GET, &format!("/api/v1/flows/{id}/versions"), None, &editor, &[]).await;
    assert_eq!(versions.json["items"][0]["author_id"], "usr_editor");
}

#[tokio::test]
async fn deleted_flows_go_to_the_trash_and_come_back() {
    let app = TestApp::new().await;
    let id = create(&app, "Disposable").await["id"].as_str().unwrap().to_owned();
    let me = Principal::local();
    let deleted = app.call(Method::DELETE, &format!("/api/v1/flows/{id}"), None, &me, &[]).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    assert_eq!(
        app.call(Method::GET, &format!("/api/v1/flows/{id}"), None, &me, &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.call(Method::DELETE, &format!("/api/v1/flows/{id}"), None, &me, &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.call(Method::GET, "/api/v1/flows", None, &me, &[]).await.json["total"], 0);
    let trash = app.call(Method::GET, "/api/v1/flows?deleted=true", None, &me, &[]).await;
    assert_eq!(trash.json["total"], 1);
    assert!(trash.json["items"][0]["deleted_at"].is_string());

    let restored =
        app.call(Method::POST, &format!("/api/v1/flows/{id}/restore"), None, &me, &[]).await;
    assert_eq!(restored.status, StatusCode::OK, "{}", restored.text);
    assert_eq!(restored.json["content"]["id"], id.as_str());
    assert!(restored.json.get("deleted_at").is_none());
    assert_eq!(
        app.call(Method::POST, &format!("/api/v1/flows/{id}/restore"), None, &me, &[]).await.status,
        StatusCode::NOT_FOUND
    );
    let versions =
        app.call(Method::GET, &format!("/api/v1/flows/{id}/versions"), None, &me, &[]).await;
    assert_eq!(versions.json["total"], 1, "content is kept through delete and restore");
}

#[tokio::test]
async fn listings_search_and_page_by_name() {
    let app = TestApp::new().await;
    for name in ["Alpha", "beta 100%", "Gamma", "Delta_one", "Epsilon", "alphabet"] {
        create(&app, name).await;
    }
    let me = Principal::local();
    let all = app.call(Method::GET, "/api/v1/flows", None, &me, &[]).await;
    assert_eq!(all.json["total"], 6);
    assert!(all.json.get("next_cursor").is_none());

    let search = app.call(Method::GET, "/api/v1/flows?search=ALPHA", None, &me, &[]).await;
    let names: Vec<&str> = search.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    // Wildcard characters in the search are literal.
    let percent = app.call(Method::GET, "/api/v1/flows?search=100%25", None, &me, &[]).await;
    assert_eq!(percent.json["total"], 1);
    let underscore = app.call(Method::GET, "/api/v1/flows?search=a_o", None, &me, &[]).await;
    assert_eq!(underscore.json["total"], 1);

    let mut seen = Vec::new();
    let mut uri = "/api/v1/flows?limit=4".to_owned();
    loop {
        let page = app.call(Method::GET, &uri, None, &me, &[]).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        assert_eq!(page.json["total"], 6);
        seen.extend(
            page.json["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["id"].as_str().unwrap().to_owned()),
        );
        match page.json["next_cursor"].as_str() {
            Some(cursor) => uri = format!("/api/v1/flows?limit=4&cursor={cursor}"),
            None => break,
        }
    }
    let unique: std::collections::HashSet<_> = seen.iter().collect();
    assert_eq!((seen.len(), unique.len()), (6, 6), "every flow exactly once across pages");

    for bad in ["limit=0", "limit=501", "limit=lots", "cursor=garbage!"] {
        let reply = app.call(Method::GET, &format!("/api/v1/flows?{bad}"), None, &me, &[]).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {}", reply.text);
        assert_eq!(reply.json["detail"]["error"], "invalid_request");
    }
}

#[tokio::test]
async fn deployments_are_listed_in_their_final_shape() {
    let app = TestApp::new().await;
    let id = create(&app, "Deployable").await["id"].as_str().unwrap().to_owned();
    let empty = app
        .call(
            Method::GET,
            &format!("/api/v1/flows/{id}/deployments"),
            None,
            &Principal::local(),
            &[],
        )
        .await;
    assert_eq!(empty.status, StatusCode::OK);
    assert_eq!(empty.json, json!({"items": [], "total": 0}));

    with_pool!(&app.state.db, pool => {
        sqlx::query(
            "INSERT INTO deployments (id, flow_id, tenant_id, version, status, core_id, published_slug, \
             error_code, error_message, deployed_by, created_at) VALUES \
             ('dep_1', ?, 'tnt_local', '1.0.0', 'succeeded', 'core_abc', 'scaicore/local/deployable', NULL, NULL, 'usr_local', 1000)",
        )
        .bind(&id)
        .execute(pool)
        .await
        .unwrap();
    });
    let one = app
        .call(
            Method::GET,
            &format!("/api/v1/flows/{id}/deployments"),
            None,
            &Principal::local(),
            &[],
        )
        .await;
    assert_eq!(one.json["total"], 1);
    let d = &one.json["items"][0];
    assert_eq!(
        (d["core_id"].as_str(), d["status"].as_str(), d["version"].as_str()),
        (Some("core_abc"), Some("succeeded"), Some("1.0.0"))
    );
    assert_eq!(d["created_at"], "1970-01-01T00:00:01.000Z");
}
