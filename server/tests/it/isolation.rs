//! Tenancy and access, route by route: every documented route is classified here (a new route
//! fails the test until it is), a user of another tenant finds nothing of this tenant's, and
//! each access level opens exactly the flow routes it should.

use axum::http::{Method, StatusCode};
use scaiflow_server::caller::Principal;
use scaiflow_server::storage::principals;
use serde_json::{Value, json};

use super::api_openapi::EXPECTED;
use super::{TestApp, example, member, other_tenant};

/// What a route is about, for the isolation matrix.
enum Kind {
    /// One flow (`{id}` in the path): another tenant's user gets 404.
    Flow,
    /// A list: another tenant's user sees none of this tenant's items.
    List,
    /// The caller's own tenant (`/tenants/me/...`, `/me`): nothing of another tenant's shows.
    OwnTenant,
    /// Super admins only: 403 for everyone else.
    SuperAdmin,
    /// A user of the mirror (`{user_id}`): another tenant's admin gets 404.
    User,
    /// Not about stored resources (stateless compilation, sign-in, the signed webhook).
    Untenanted,
}

fn kind(method: &str, path: &str) -> Kind {
    match (method, path) {
        (_, p) if p.starts_with("/flows/{id}") => Kind::Flow,
        ("get", "/flows" | "/admin/tenant/flows" | "/admin/tenant/users") => Kind::List,
        ("post", "/flows") => Kind::OwnTenant,
        (_, "/me" | "/tenants/me/scaigrid_credentials" | "/tenants/me/principals") => {
            Kind::OwnTenant
        }
        ("get", "/admin/users") | ("post", "/admin/sync") => Kind::SuperAdmin,
        (_, "/admin/users/{user_id}/role") => Kind::User,
        (_, "/flows/compile" | "/flows/validate" | "/webhooks/scaikey") => Kind::Untenanted,
        // ScaiGrid lookups answer with the caller's own credential (412 without one).
        (_, p) if p.starts_with("/scaigrid/") || p.starts_with("/scaiqueue/") => Kind::Untenanted,
        (_, p) if p.starts_with("/scaibunker/") || p.starts_with("/scaicore/") => Kind::Untenanted,
        // Guarded by SCAIFLOW_API_TOKEN, not by a tenant (503 while that is not set).
        ("post", "/dev/deploy") => Kind::Untenanted,
        (_, p) if p.starts_with("/auth/") => Kind::Untenanted,
        (method, path) => panic!("{method} {path}: classify this route in tests/it/isolation.rs"),
    }
}

/// A flow of this tenant, owned by `owner`; its id.
async fn flow_of(app: &TestApp, owner: &Principal, name: &str) -> String {
    let body = json!({"name": name, "content": example()});
    let reply = app.call(Method::POST, "/api/v1/flows", Some(&body), owner, &[]).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.json["id"].as_str().unwrap().to_owned()
}

fn concrete(path: &str, flow: &str, acl: &str, user: &str) -> String {
    format!(
        "/api/v1{}",
        path.replace("{id}", flow)
            .replace("{version}", "1.0.0")
            .replace("{acl_id}", acl)
            .replace("{user_id}", user)
            .replace("{scope_id}", "sc_none")
            .replace("{checkpoint_id}", "cp_none")
            .replace("{core_id}", "core_none")
    )
}

fn body_for(method: &Method, path: &str) -> Option<Value> {
    if ![Method::POST, Method::PUT, Method::PATCH].contains(method) {
        return None;
    }
    Some(match path {
        "/flows" => json!({"name": "Tenant B's flow", "content": example()}),
        "/flows/{id}" => json!({"name": "taken over", "content": example()}),
        "/flows/{id}/acls" => {
            json!({"principal_type": "user", "principal_id": "usr_other", "level": "admin"})
        }
        "/flows/{id}/acls/{acl_id}" => json!({"level": "admin"}),
        "/admin/users/{user_id}/role" => json!({"role": "tenant_admin"}),
        "/tenants/me/scaigrid_credentials" => json!({"api_key": "sgk_other_tenant_key_0000"}),
        _ => json!({}),
    })
}

#[tokio::test]
async fn another_tenant_finds_nothing_of_this_one() {
    let app = TestApp::new().await;
    let owner = member("usr_owner");
    let stranger = other_tenant();
    for p in [&owner, &stranger] {
        principals::ensure_principal(&app.state.db, p, 0).await.unwrap();
    }
    let flow = flow_of(&app, &owner, "Tenant A's flow").await;
    let grant = json!({"principal_type": "user", "principal_id": "usr_local", "level": "view"});
    let acl = app
        .call(Method::POST, &format!("/api/v1/flows/{flow}/acls"), Some(&grant), &owner, &[])
        .await;
    assert_eq!(acl.status, StatusCode::CREATED, "{}", acl.text);
    let acl = acl.json["id"].as_str().unwrap().to_owned();
    let credential = json!({"api_key": "sgk_tenant_a_secret_1234"});
    let local = Principal::local();
    let set = app
        .call(
            Method::POST,
            "/api/v1/tenants/me/scaigrid_credentials",
            Some(&credential),
            &local,
            &[],
        )
        .await;
    assert_eq!(set.status, StatusCode::NO_CONTENT);

    for (method, path) in EXPECTED {
        let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let uri = concrete(path, &flow, &acl, "usr_owner");
        let reply = app.call(m.clone(), &uri, body_for(&m, path).as_ref(), &stranger, &[]).await;
        let shown = format!("{method} {uri}: {} {}", reply.status, reply.text);
        let kind = kind(method, path);
        // Answers about a resource may echo the id asked for; nothing else may name A's.
        if matches!(kind, Kind::List | Kind::OwnTenant | Kind::SuperAdmin | Kind::Untenanted) {
            assert!(!reply.text.contains(&flow), "{shown}: names tenant A's flow");
            assert!(!reply.text.contains("usr_owner"), "{shown}: names tenant A's user");
        }
        assert!(!reply.text.contains("1234"), "{shown}: shows tenant A's key");
        match kind {
            Kind::Flow | Kind::User => assert_eq!(reply.status, StatusCode::NOT_FOUND, "{shown}"),
            Kind::SuperAdmin => assert_eq!(reply.status, StatusCode::FORBIDDEN, "{shown}"),
            Kind::List | Kind::OwnTenant => assert!(reply.status.is_success(), "{shown}"),
            Kind::Untenanted => {}
        }
    }
    // Nothing the stranger tried changed tenant A's flow, grants or key.
    let detail = app.call(Method::GET, &format!("/api/v1/flows/{flow}"), None, &owner, &[]).await;
    assert_eq!(
        (detail.status, detail.json["name"].as_str()),
        (StatusCode::OK, Some("Tenant A's flow"))
    );
    let grants =
        app.call(Method::GET, &format!("/api/v1/flows/{flow}/acls"), None, &owner, &[]).await;
    assert_eq!(grants.json.as_array().map(Vec::len), Some(1), "{}", grants.text);
    let key =
        app.call(Method::GET, "/api/v1/tenants/me/scaigrid_credentials", None, &local, &[]).await;
    assert_eq!(key.json["masked_key"], "sgk_…1234");
}

/// The level each flow route needs (`None`: the route is not about one flow).
fn needed(method: &str, path: &str) -> Option<&'static str> {
    Some(match (method, path) {
        (
            "get",
            "/flows/{id}"
            | "/flows/{id}/versions"
            | "/flows/{id}/versions/{version}"
            | "/flows/{id}/deployments",
        ) => "view",
        ("put", "/flows/{id}") => "edit",
        ("post", "/flows/{id}/deploy") => "deploy",
        ("delete", "/flows/{id}") | ("post", "/flows/{id}/restore") => "admin",
        (_, "/flows/{id}/acls" | "/flows/{id}/acls/{acl_id}") => "admin",
        (_, p) if p.starts_with("/flows/{id}") => {
            panic!("{method} {path}: give this flow route its level")
        }
        _ => return None,
    })
}

const LEVELS: [&str; 4] = ["view", "edit", "deploy", "admin"];

#[tokio::test]
async fn each_level_opens_exactly_its_routes() {
    let app = TestApp::new().await;
    let owner = member("usr_owner");
    principals::ensure_principal(&app.state.db, &owner, 0).await.unwrap();
    principals::ensure_principal(&app.state.db, &member("usr_third"), 0).await.unwrap();
    for granted in [None, Some("view"), Some("edit"), Some("deploy"), Some("admin")] {
        let user = member(&format!("usr_{}", granted.unwrap_or("none")));
        principals::ensure_principal(&app.state.db, &user, 0).await.unwrap();
        let flow = flow_of(&app, &owner, "Shared").await;
        let acls = format!("/api/v1/flows/{flow}/acls");
        let mut acl = "acl_none".to_owned();
        // The grant an admin user makes (to a third user), which they then change and revoke.
        let mut third_acl: Option<String> = None;
        if let Some(level) = granted {
            let body =
                json!({"principal_type": "user", "principal_id": user.user_id, "level": level});
            let reply = app.call(Method::POST, &acls, Some(&body), &owner, &[]).await;
            acl = reply.json["id"].as_str().unwrap().to_owned();
        }
        let rank = |level: &str| LEVELS.iter().position(|l| *l == level);
        // Destructive routes last: the flow is deleted for `restore` (by the owner when the
        // user may not).
        let mut routes: Vec<_> = EXPECTED.iter().filter(|(m, p)| needed(m, p).is_some()).collect();
        routes.sort_by_key(|(m, p)| match (*m, *p) {
            ("delete", "/flows/{id}/acls/{acl_id}") => 1,
            ("delete", "/flows/{id}") => 2,
            ("post", "/flows/{id}/restore") => 3,
            _ => 0,
        });
        for (method, path) in routes {
            let need = needed(method, path).unwrap();
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            if *path == "/flows/{id}/restore" {
                let uri = format!("/api/v1/flows/{flow}");
                let gone = app.call(Method::GET, &uri, None, &owner, &[]).await;
                if gone.status == StatusCode::OK {
                    app.call(Method::DELETE, &uri, None, &owner, &[]).await;
                }
            }
            let body = match *path {
                "/flows/{id}/acls" => Some(
                    json!({"principal_type": "user", "principal_id": "usr_third", "level": "view"}),
                ),
                "/flows/{id}/acls/{acl_id}" if m == Method::PATCH => Some(json!({"level": "edit"})),
                _ => body_for(&m, path),
            };
            let target = third_acl.clone().unwrap_or_else(|| acl.clone());
            let uri = concrete(path, &flow, &target, &user.user_id);
            let reply = app.call(m.clone(), &uri, body.as_ref(), &user, &[]).await;
            if m == Method::POST
                && *path == "/flows/{id}/acls"
                && reply.status == StatusCode::CREATED
            {
                third_acl = reply.json["id"].as_str().map(str::to_owned);
            }
            let shown = format!("{granted:?} {method} {uri}: {}", reply.text);
            match granted {
                None => assert_eq!(reply.status, StatusCode::NOT_FOUND, "{shown}"),
                // Without ScaiGrid credentials here, a permitted deploy stops at 412.
                Some(level) if rank(level) >= rank(need) && *path == "/flows/{id}/deploy" => {
                    assert_eq!(reply.status, StatusCode::PRECONDITION_FAILED, "{shown}")
                }
                Some(level) if rank(level) >= rank(need) => {
                    assert!(reply.status.is_success(), "{shown}")
                }
                Some(_) => assert_eq!(reply.status, StatusCode::FORBIDDEN, "{shown}"),
            }
        }
    }
}
