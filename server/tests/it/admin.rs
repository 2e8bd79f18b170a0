//! `/admin`: the user mirror and admin roles, for super admins and tenant admins.

use axum::http::{Method, StatusCode};
use scaiflow_server::caller::{AdminRole, Principal};
use scaiflow_server::storage::principals;
use scaiflow_server::with_pool;
use serde_json::json;

use crate::{TestApp, example, member, other_tenant};

fn tenant_admin() -> Principal {
    Principal { admin_role: Some(AdminRole::TenantAdmin), ..member("usr_tadmin") }
}

async fn setup() -> TestApp {
    let app = TestApp::new().await;
    for p in [member("usr_bob"), tenant_admin(), other_tenant()] {
        principals::ensure_principal(&app.state.db, &p, 0).await.unwrap();
    }
    app
}

async fn role_of(app: &TestApp, user: &str) -> (Option<String>, Option<String>) {
    with_pool!(&app.state.db, pool => {
        sqlx::query_as("SELECT admin_role, admin_role_source FROM users WHERE id = ?").bind(user).fetch_one(pool).await
    })
    .unwrap()
}

#[tokio::test]
async fn super_admins_list_everyone_and_tenant_admins_their_tenant() {
    let app = setup().await;
    let all = app.call(Method::GET, "/api/v1/admin/users", None, &Principal::local(), &[]).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text);
    let ids: Vec<&str> =
        all.json["users"].as_array().unwrap().iter().map(|u| u["id"].as_str().unwrap()).collect();
    assert!(
        ids.contains(&"usr_other") && ids.contains(&"usr_bob") && ids.contains(&"usr_local"),
        "{ids:?}"
    );
    let bob = all.json["users"].as_array().unwrap().iter().find(|u| u["id"] == "usr_bob").unwrap();
    assert_eq!(
        (&bob["status"], &bob["admin_role"], &bob["tenant_id"]),
        (&json!("ACTIVE"), &json!(null), &json!("tnt_local"))
    );

    let mine =
        app.call(Method::GET, "/api/v1/admin/tenant/users", None, &tenant_admin(), &[]).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(mine.json["users"].as_array().unwrap().iter().all(|u| u["tenant_id"] == "tnt_local"));
    assert_eq!(
        app.call(Method::GET, "/api/v1/admin/users", None, &tenant_admin(), &[]).await.status,
        StatusCode::FORBIDDEN
    );
    for path in ["/api/v1/admin/tenant/users", "/api/v1/admin/tenant/flows"] {
        let reply = app.call(Method::GET, path, None, &member("usr_bob"), &[]).await;
        assert_eq!(
            (reply.status, &reply.json["detail"]["error"]),
            (StatusCode::FORBIDDEN, &json!("forbidden")),
            "{path}"
        );
    }
}

#[tokio::test]
async fn tenant_admins_see_every_flow_of_their_tenant() {
    let app = setup().await;
    let body = json!({"name": "Bob's private flow", "content": example()});
    let created =
        app.call(Method::POST, "/api/v1/flows", Some(&body), &member("usr_bob"), &[]).await;
    assert_eq!(created.status, StatusCode::CREATED);
    let foreign = json!({"name": "Elsewhere", "content": example()});
    app.call(Method::POST, "/api/v1/flows", Some(&foreign), &other_tenant(), &[]).await;
    let listed =
        app.call(Method::GET, "/api/v1/admin/tenant/flows", None, &tenant_admin(), &[]).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.json["total"], 1, "{}", listed.text);
    assert_eq!(listed.json["items"][0]["owner_id"], "usr_bob");
}

#[tokio::test]
async fn roles_are_granted_and_revoked_within_each_admin_s_reach() {
    let app = setup().await;
    let role = "/api/v1/admin/users/usr_bob/role";
    // A tenant admin may make a tenant admin of their tenant, not a super admin.
    let reply = app
        .call(Method::POST, role, Some(&json!({"role": "tenant_admin"})), &tenant_admin(), &[])
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text);
    assert_eq!(
        role_of(&app, "usr_bob").await,
        (Some("tenant_admin".into()), Some("manual".into()))
    );
    let reply = app
        .call(Method::POST, role, Some(&json!({"role": "super_admin"})), &tenant_admin(), &[])
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    // Nor reach into another tenant.
    let other = "/api/v1/admin/users/usr_other/role";
    let reply = app
        .call(Method::POST, other, Some(&json!({"role": "tenant_admin"})), &tenant_admin(), &[])
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    // Members may not grant at all; unknown roles and users are refused.
    let reply = app
        .call(Method::POST, role, Some(&json!({"role": "tenant_admin"})), &member("usr_carol"), &[])
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let reply = app
        .call(Method::POST, role, Some(&json!({"role": "root"})), &Principal::local(), &[])
        .await;
    assert_eq!(
        (reply.status, &reply.json["detail"]["pointer"]),
        (StatusCode::BAD_REQUEST, &json!("/role"))
    );
    let reply = app
        .call(
            Method::POST,
            "/api/v1/admin/users/usr_ghost/role",
            Some(&json!({"role": "tenant_admin"})),
            &Principal::local(),
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);

    // A super admin may grant super_admin anywhere; a tenant admin cannot revoke it.
    let reply = app
        .call(Method::POST, role, Some(&json!({"role": "super_admin"})), &Principal::local(), &[])
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(role_of(&app, "usr_bob").await.0.as_deref(), Some("super_admin"));
    assert_eq!(
        app.call(Method::DELETE, role, None, &tenant_admin(), &[]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(Method::DELETE, role, None, &Principal::local(), &[]).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(role_of(&app, "usr_bob").await, (None, None));
}

#[tokio::test]
async fn the_last_super_admin_keeps_the_role() {
    let app = setup().await;
    // The local user is the only super admin: neither revoking it nor making it a tenant admin
    // is allowed, by itself or anyone.
    let own = "/api/v1/admin/users/usr_local/role";
    let reply = app.call(Method::DELETE, own, None, &Principal::local(), &[]).await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.text);
    assert_eq!(reply.json["detail"]["error"], "conflict");
    assert!(
        reply.json["detail"]["message"].as_str().unwrap().contains("only super admin"),
        "{}",
        reply.text
    );
    assert!(reply.json["detail"]["fix"].as_str().unwrap().contains("another user super admin"));
    let demote = json!({"role": "tenant_admin"});
    let reply = app.call(Method::POST, own, Some(&demote), &Principal::local(), &[]).await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.text);
    assert_eq!(role_of(&app, "usr_local").await.0.as_deref(), Some("super_admin"));

    // With a second super admin, either may give the role up; then the other is the last.
    let bob = "/api/v1/admin/users/usr_bob/role";
    let grant = json!({"role": "super_admin"});
    let reply = app.call(Method::POST, bob, Some(&grant), &Principal::local(), &[]).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let reply = app.call(Method::POST, own, Some(&demote), &Principal::local(), &[]).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text);
    assert_eq!(role_of(&app, "usr_local").await.0.as_deref(), Some("tenant_admin"));
    let bob_principal = Principal { admin_role: Some(AdminRole::SuperAdmin), ..member("usr_bob") };
    let reply = app.call(Method::DELETE, bob, None, &bob_principal, &[]).await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "bob is now the last: {}", reply.text);
    assert_eq!(role_of(&app, "usr_bob").await.0.as_deref(), Some("super_admin"));
}

#[tokio::test]
async fn two_super_admins_revoking_each_other_at_once_leave_one() {
    let app = setup().await;
    let grant = json!({"role": "super_admin"});
    let bob = Principal { admin_role: Some(AdminRole::SuperAdmin), ..member("usr_bob") };
    let local = Principal::local();
    // Several rounds: on MariaDB the two guarded updates lock each other's rows, and only
    // some interleavings end in the deadlock whose victim must be refused, not failed.
    for round in 0..20 {
        for user in ["usr_bob", "usr_local"] {
            let path = format!("/api/v1/admin/users/{user}/role");
            let reply = app.call(Method::POST, &path, Some(&grant), &local, &[]).await;
            assert_eq!(reply.status, StatusCode::NO_CONTENT, "round {round}: {}", reply.text);
        }
        let (a, b) = tokio::join!(
            app.call(Method::DELETE, "/api/v1/admin/users/usr_bob/role", None, &local, &[]),
            app.call(Method::DELETE, "/api/v1/admin/users/usr_local/role", None, &bob, &[]),
        );
        let mut statuses = [a.status, b.status];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::NO_CONTENT, StatusCode::CONFLICT],
            "round {round}: {} / {}",
            a.text,
            b.text
        );
        let left = [role_of(&app, "usr_bob").await.0, role_of(&app, "usr_local").await.0];
        let supers = left.iter().filter(|r| r.as_deref() == Some("super_admin")).count();
        assert_eq!(supers, 1, "round {round}");
    }
}
