//! `/flows/{id}/acls`: listing, granting, changing and revoking explicit grants, who may, and
//! what each grant then allows.

use axum::http::{Method, StatusCode};
use scaiflow_server::caller::{AdminRole, Principal};
use scaiflow_server::storage::principals;
use serde_json::{Value, json};

use crate::{Reply, TestApp, example, member, other_tenant};

/// Creates a flow owned by `owner` (recorded in the user mirror, as every user here is).
async fn flow_of(app: &TestApp, owner: &Principal) -> String {
    for user in [owner, &member("usr_bob"), &member("usr_carol")] {
        principals::ensure_principal(&app.state.db, user, 0).await.unwrap();
    }
    let body = json!({"name": "Shared", "content": example()});
    let reply = app.call(Method::POST, "/api/v1/flows", Some(&body), owner, &[]).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.json["id"].as_str().unwrap().to_owned()
}

async fn acl_call(
    app: &TestApp,
    method: Method,
    uri: &str,
    body: Option<Value>,
    who: &Principal,
) -> Reply {
    app.call(method, uri, body.as_ref(), who, &[]).await
}

#[tokio::test]
async fn the_owner_grants_changes_and_revokes_and_each_level_does_what_it_says() {
    let app = TestApp::new().await;
    let owner = member("usr_owner");
    let id = flow_of(&app, &owner).await;
    let acls = format!("/api/v1/flows/{id}/acls");
    let flow = format!("/api/v1/flows/{id}");
    let (bob, carol) = (member("usr_bob"), member("usr_carol"));

    let listed = acl_call(&app, Method::GET, &acls, None, &owner).await;
    assert_eq!(
        (listed.status, listed.json.clone()),
        (StatusCode::OK, json!([])),
        "implicit admins are not listed"
    );

    // Bob may edit: read and save, not delete, not manage grants.
    let body = json!({"principal_type": "user", "principal_id": "usr_bob", "level": "edit"});
    let granted = acl_call(&app, Method::POST, &acls, Some(body), &owner).await;
    assert_eq!(granted.status, StatusCode::CREATED, "{}", granted.text);
    let acl = granted.json.clone();
    assert!(acl["id"].as_str().unwrap().starts_with("acl_"));
    assert_eq!(
        (
            &acl["flow_id"],
            &acl["principal_type"],
            &acl["principal_id"],
            &acl["level"],
            &acl["granted_by"]
        ),
        (&json!(id), &json!("user"), &json!("usr_bob"), &json!("edit"), &json!("usr_owner"))
    );
    assert!(acl["granted_at"].as_str().unwrap().ends_with('Z'));
    let acl_id = acl["id"].as_str().unwrap().to_owned();
    assert_eq!(acl_call(&app, Method::GET, &flow, None, &bob).await.json["access"], "edit");
    let save = json!({"content": example()});
    assert_eq!(acl_call(&app, Method::PUT, &flow, Some(save), &bob).await.status, StatusCode::OK);
    assert_eq!(
        acl_call(&app, Method::DELETE, &flow, None, &bob).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(acl_call(&app, Method::GET, &acls, None, &bob).await.status, StatusCode::FORBIDDEN);
    // Carol has nothing: the flow does not exist for her.
    assert_eq!(
        acl_call(&app, Method::GET, &flow, None, &carol).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        acl_call(&app, Method::GET, &acls, None, &carol).await.status,
        StatusCode::NOT_FOUND
    );

    // Made an admin, Bob manages grants himself.
    let one = format!("{acls}/{acl_id}");
    let changed =
        acl_call(&app, Method::PATCH, &one, Some(json!({"level": "admin"})), &owner).await;
    assert_eq!((changed.status, &changed.json["level"]), (StatusCode::OK, &json!("admin")));
    let body = json!({"principal_type": "user", "principal_id": "usr_carol", "level": "view"});
    let by_bob = acl_call(&app, Method::POST, &acls, Some(body), &bob).await;
    assert_eq!(by_bob.status, StatusCode::CREATED);
    assert_eq!(by_bob.json["granted_by"], "usr_bob");
    assert_eq!(acl_call(&app, Method::GET, &flow, None, &carol).await.json["access"], "view");
    let listed = acl_call(&app, Method::GET, &acls, None, &bob).await;
    assert_eq!(listed.json.as_array().unwrap().len(), 2);

    // Revoked, Bob is back to nothing.
    assert_eq!(
        acl_call(&app, Method::DELETE, &one, None, &owner).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(acl_call(&app, Method::GET, &flow, None, &bob).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        acl_call(&app, Method::DELETE, &one, None, &owner).await.status,
        StatusCode::NOT_FOUND
    );
    let patch = acl_call(&app, Method::PATCH, &one, Some(json!({"level": "view"})), &owner).await;
    assert_eq!(patch.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn groups_of_the_mirror_can_be_granted() {
    let app = TestApp::new().await;
    let owner = member("usr_owner");
    let id = flow_of(&app, &owner).await;
    scaiflow_server::storage::mirror::upsert_group(
        &app.state.db,
        "tnt_local",
        "grp_eng",
        "Engineering",
        0,
    )
    .await
    .unwrap();
    let body = json!({"principal_type": "group", "principal_id": "grp_eng", "level": "view"});
    let granted =
        acl_call(&app, Method::POST, &format!("/api/v1/flows/{id}/acls"), Some(body), &owner).await;
    assert_eq!(granted.status, StatusCode::CREATED, "{}", granted.text);
    let engineer = Principal { groups: vec!["grp_eng".into()], ..member("usr_dana") };
    let read = acl_call(&app, Method::GET, &format!("/api/v1/flows/{id}"), None, &engineer).await;
    assert_eq!(read.json["access"], "view");
}

#[tokio::test]
async fn bad_grants_get_the_documented_errors_and_change_nothing() {
    let app = TestApp::new().await;
    let owner = member("usr_owner");
    let id = flow_of(&app, &owner).await;
    let acls = format!("/api/v1/flows/{id}/acls");
    let post = |body: Value| {
        let acls = acls.clone();
        let owner = owner.clone();
        let app = &app;
        async move { acl_call(app, Method::POST, &acls, Some(body), &owner).await }
    };

    let bad_level =
        post(json!({"principal_type": "user", "principal_id": "usr_bob", "level": "owner"})).await;
    assert_eq!(bad_level.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        (&bad_level.json["detail"]["error"], &bad_level.json["detail"]["pointer"]),
        (&json!("bad_request"), &json!("/level"))
    );
    let bad_type =
        post(json!({"principal_type": "team", "principal_id": "usr_bob", "level": "view"})).await;
    assert_eq!(
        (bad_type.status, &bad_type.json["detail"]["pointer"]),
        (StatusCode::BAD_REQUEST, &json!("/principal_type"))
    );
    let unknown =
        post(json!({"principal_type": "user", "principal_id": "usr_ghost", "level": "view"})).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.json["detail"]["message"].as_str().unwrap().contains("sync"));
    let stranger =
        post(json!({"principal_type": "group", "principal_id": "grp_none", "level": "view"})).await;
    assert_eq!(stranger.status, StatusCode::NOT_FOUND);
    let owner_grant =
        post(json!({"principal_type": "user", "principal_id": "usr_owner", "level": "view"})).await;
    assert_eq!(owner_grant.status, StatusCode::CONFLICT);
    let missing = post(json!({"principal_type": "user", "level": "view"})).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);

    let first =
        post(json!({"principal_type": "user", "principal_id": "usr_bob", "level": "view"})).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let again =
        post(json!({"principal_type": "user", "principal_id": "usr_bob", "level": "edit"})).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.json["detail"]["fix"].as_str().unwrap().contains("PATCH"));
    let one = format!("{acls}/{}", first.json["id"].as_str().unwrap());
    let bad_patch =
        acl_call(&app, Method::PATCH, &one, Some(json!({"level": "root"})), &owner).await;
    assert_eq!(bad_patch.status, StatusCode::BAD_REQUEST);

    let listed = acl_call(&app, Method::GET, &acls, None, &owner).await;
    assert_eq!(listed.json.as_array().unwrap().len(), 1);
    assert_eq!(listed.json[0]["level"], "view", "the refused changes changed nothing");
}

#[tokio::test]
async fn admins_manage_every_grant_of_their_tenant_and_no_other() {
    let app = TestApp::new().await;
    let owner = member("usr_owner");
    let id = flow_of(&app, &owner).await;
    let acls = format!("/api/v1/flows/{id}/acls");
    let tenant_admin =
        Principal { admin_role: Some(AdminRole::TenantAdmin), ..member("usr_admin") };
    assert_eq!(
        acl_call(&app, Method::GET, &acls, None, &tenant_admin).await.status,
        StatusCode::OK
    );
    assert_eq!(
        acl_call(&app, Method::GET, &acls, None, &Principal::local()).await.status,
        StatusCode::OK
    );
    // Another tenant's admin finds nothing, and cannot grant.
    let foreign = other_tenant();
    assert_eq!(
        acl_call(&app, Method::GET, &acls, None, &foreign).await.status,
        StatusCode::NOT_FOUND
    );
    let body = json!({"principal_type": "user", "principal_id": "usr_other", "level": "admin"});
    assert_eq!(
        acl_call(&app, Method::POST, &acls, Some(body), &foreign).await.status,
        StatusCode::NOT_FOUND
    );
    // A user of another tenant cannot be granted access here.
    principals::ensure_principal(&app.state.db, &foreign, 0).await.unwrap();
    let body = json!({"principal_type": "user", "principal_id": "usr_other", "level": "view"});
    assert_eq!(
        acl_call(&app, Method::POST, &acls, Some(body), &owner).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn people_and_groups_are_found_by_name_email_or_id_within_the_tenant() {
    use scaiflow_server::storage::mirror;
    let app = TestApp::new().await;
    let db = &app.state.db;
    mirror::upsert_user(
        db,
        "tnt_local",
        "usr_alice",
        Some("alice@acme.example"),
        Some("Alice Johnson"),
        0,
    )
    .await
    .unwrap();
    mirror::upsert_user(
        db,
        "tnt_local",
        "usr_albert",
        Some("bert@acme.example"),
        Some("Albert Ng"),
        0,
    )
    .await
    .unwrap();
    mirror::upsert_user(
        db,
        "tnt_local",
        "usr_gone",
        Some("al.gone@acme.example"),
        Some("Al Gone"),
        0,
    )
    .await
    .unwrap();
    mirror::remove_user(db, "usr_gone", 1).await.unwrap();
    mirror::upsert_user(db, "tnt_other", "usr_alien", Some("al@other.example"), Some("Al Ien"), 0)
        .await
        .unwrap();
    mirror::upsert_group(db, "tnt_local", "grp_approvers", "Approvers", 0).await.unwrap();
    mirror::upsert_group(db, "tnt_local", "grp_3f9a", "grp_3f9a", 0).await.unwrap();

    let me = member("usr_bob");
    let find = |q: &str| {
        let uri = format!("/api/v1/tenants/me/principals?search={q}");
        let app = &app;
        let me = me.clone();
        async move { app.call(Method::GET, &uri, None, &me, &[]).await }
    };
    let found = find("AL").await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.text);
    let ids: Vec<&str> =
        found.json["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(
        &ids[..2],
        ["usr_albert", "usr_alice"],
        "by name, any case, named ones first: {ids:?}"
    );
    assert!(
        !ids.contains(&"usr_gone") && !ids.contains(&"usr_alien"),
        "no deleted users, no other tenant"
    );
    assert_eq!(found.json["items"][1]["email"], "alice@acme.example");
    assert_eq!(found.json["items"][1]["name"], "Alice Johnson");
    assert_eq!(found.json["items"][1]["type"], "user");

    let by_email = find("bert%40acme").await;
    assert_eq!(by_email.json["items"][0]["id"], "usr_albert", "{}", by_email.text);
    let groups = find("appro").await;
    assert_eq!(
        groups.json["items"],
        json!([{"type": "group", "id": "grp_approvers", "name": "Approvers", "email": null}])
    );
    // A group ScaiKey has not named yet is found by its id, with no name.
    let unnamed = find("3f9a").await;
    assert_eq!(unnamed.json["items"][0]["name"], Value::Null, "{}", unnamed.text);
    // Wildcards are literal.
    assert_eq!(find("%25").await.json["items"], json!([]));

    let bad = app.call(Method::GET, "/api/v1/tenants/me/principals?limit=0", None, &me, &[]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    assert_eq!(bad.json["detail"]["pointer"], "/limit");

    // A grant lists the name the mirror has.
    let owner = member("usr_owner");
    let id = flow_of(&app, &owner).await;
    let body = json!({"principal_type": "user", "principal_id": "usr_alice", "level": "view"});
    let granted =
        acl_call(&app, Method::POST, &format!("/api/v1/flows/{id}/acls"), Some(body), &owner).await;
    assert_eq!(granted.json["principal_name"], "Alice Johnson", "{}", granted.text);
    let listed =
        acl_call(&app, Method::GET, &format!("/api/v1/flows/{id}/acls"), None, &owner).await;
    assert_eq!(listed.json[0]["principal_email"], "alice@acme.example");
}
