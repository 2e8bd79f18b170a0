//! `POST /api/v1/admin/sync`: the full ScaiKey sync of the user mirror, against a stand-in
//! ScaiKey on loopback (discovery, client_credentials tokens, effective users, groups and their
//! members) with switches for the refusals the sync falls back on.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine;
use scaiflow_server::caller::{AdminRole, Principal};
use scaiflow_server::storage::mirror;
use scaiflow_server::storage::principals;
use scaiflow_server::with_pool;
use serde_json::{Value, json};

use crate::{Reply, TestApp, member};

const CLIENT: &str = "scaiflow-sync";
const SECRET: &str = "sync-secret";
const REFUSED: &str = "Platform token requires admin:read or admin:write scope";

/// What the stand-in ScaiKey holds: users (each with its `tenant_id`) and groups with the ids of
/// their members.
#[derive(Clone, Default)]
struct Directory {
    users: Vec<Value>,
    groups: Vec<(Value, Vec<String>)>,
}

impl Directory {
    /// Tenant `tnt_acme`: Alice and Bob in Engineering, Carol in Platform Admins, Dave in no group.
    fn acme() -> Directory {
        let users = vec![
            json!({"id": "usr_alice", "tenant_id": "tnt_acme", "email": "alice@acme.example",
                "display_name": "Alice Johnson", "status": "ACTIVE"}),
            json!({"id": "usr_bob", "tenant_id": "tnt_acme", "email": "bob@acme.example",
                "first_name": "Bob", "last_name": "Brown", "status": "ACTIVE"}),
            json!({"id": "usr_carol", "tenant_id": "tnt_acme", "email": "carol@acme.example",
                "name": "Carol King"}),
            json!({"id": "usr_dave", "tenant_id": "tnt_acme", "email": "dave@acme.example"}),
        ];
        let groups = vec![
            (
                json!({"id": "grp_eng", "name": "Engineering", "tenant_id": "tnt_acme"}),
                vec!["usr_alice".to_owned(), "usr_bob".to_owned()],
            ),
            (
                json!({"id": "grp_admins", "name": "Platform Admins", "tenant_id": "tnt_acme"}),
                vec!["usr_carol".to_owned()],
            ),
        ];
        Directory { users, groups }
    }

    fn members(&mut self, group: &str) -> &mut Vec<String> {
        &mut self.groups.iter_mut().find(|(g, _)| g["id"] == group).expect("group").1
    }
}

/// The stand-in and its switches.
#[derive(Clone)]
struct StandIn {
    issuer: String,
    directory: Arc<Mutex<Directory>>,
    /// The application the effective users are asked of.
    application: String,
    /// 403 on effective users.
    forbid_effective: Arc<AtomicBool>,
    /// 500 on effective users.
    fail_effective: Arc<AtomicBool>,
    /// 403 on the groups list.
    forbid_groups: Arc<AtomicBool>,
    /// `invalid_scope` for a token with `admin:read`.
    refuse_admin_scope: Arc<AtomicBool>,
    /// Every admin API request: path and query.
    requests: Arc<Mutex<Vec<String>>>,
}

impl StandIn {
    fn edit(&self, change: impl FnOnce(&mut Directory)) {
        change(&mut self.directory.lock().unwrap());
    }

    fn requests_to(&self, part: &str) -> usize {
        self.requests.lock().unwrap().iter().filter(|r| r.contains(part)).count()
    }
}

async fn stand_in(directory: Directory, application: &str) -> StandIn {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let stand_in = StandIn {
        issuer: format!("http://{}", listener.local_addr().unwrap()),
        directory: Arc::new(Mutex::new(directory)),
        application: application.to_owned(),
        forbid_effective: Arc::default(),
        fail_effective: Arc::default(),
        forbid_groups: Arc::default(),
        refuse_admin_scope: Arc::default(),
        requests: Arc::default(),
    };
    let app = Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/jwks", get(|| async { Json(json!({"keys": []})) }))
        .route("/token", post(token))
        .route(
            "/api/v1/tenants/{tenant}/applications/{application}/effective-users",
            get(effective_users),
        )
        .route("/api/v1/admin/groups/", get(groups))
        .route("/api/v1/admin/groups/{group}/members", get(members))
        .with_state(stand_in.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    stand_in
}

async fn discovery(State(s): State<StandIn>) -> Json<Value> {
    let at = |path: &str| format!("{}{path}", s.issuer);
    Json(json!({
        "issuer": s.issuer, "authorization_endpoint": at("/authorize"),
        "token_endpoint": at("/token"), "jwks_uri": at("/jwks"),
        "response_types_supported": ["code"], "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    }))
}

/// client_credentials only, the client in HTTP Basic auth; the token names its scope.
async fn token(
    State(s): State<StandIn>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT}:{SECRET}"));
    if headers.get("authorization").and_then(|v| v.to_str().ok())
        != Some(format!("Basic {basic}").as_str())
    {
        return (StatusCode::UNAUTHORIZED, Json(json!({"error": "invalid_client"})))
            .into_response();
    }
    let scope = form.get("scope").cloned().unwrap_or_default();
    if form.get("grant_type").map(String::as_str) != Some("client_credentials")
        || (scope == "admin:read" && s.refuse_admin_scope.load(Ordering::SeqCst))
    {
        let error = json!({"error": "invalid_scope", "error_description": "scope not allowed"});
        return (StatusCode::BAD_REQUEST, Json(error)).into_response();
    }
    Json(json!({"access_token": format!("tok-{scope}"), "token_type": "Bearer",
        "expires_in": 3600, "scope": scope}))
    .into_response()
}

#[derive(serde::Deserialize)]
struct Paging {
    page: usize,
    per_page: usize,
    tenant_id: Option<String>,
}

impl Paging {
    fn slice<T: Clone>(&self, all: &[T]) -> Vec<T> {
        all.iter().skip((self.page - 1) * self.per_page).take(self.per_page).cloned().collect()
    }
}

/// Records the request; `Some` 403, as ScaiKey answers it, for a token without `scope` or while
/// `forbid` is on.
fn refusal(
    s: &StandIn,
    (uri, headers): (&Uri, &HeaderMap),
    scope: &str,
    forbid: &AtomicBool,
) -> Option<Response> {
    s.requests.lock().unwrap().push(uri.to_string());
    let bearer = format!("Bearer tok-{scope}");
    let given = headers.get("authorization").and_then(|v| v.to_str().ok());
    let detail =
        if scope == "admin:read" { REFUSED.to_owned() } else { format!("{scope} required") };
    (given != Some(bearer.as_str()) || forbid.load(Ordering::SeqCst))
        .then(|| (StatusCode::FORBIDDEN, Json(json!({"detail": detail}))).into_response())
}

/// The items of `tenant`.
fn of_tenant<'a>(items: impl Iterator<Item = &'a Value>, tenant: &str) -> Vec<Value> {
    items.filter(|item| item["tenant_id"] == tenant).cloned().collect()
}

/// `{items, total}` pages.
async fn effective_users(
    State(s): State<StandIn>,
    Path((tenant, application)): Path<(String, String)>,
    Query(paging): Query<Paging>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if let Some(refused) = refusal(&s, (&uri, &headers), "admin:read", &s.forbid_effective) {
        return refused;
    }
    if s.fail_effective.load(Ordering::SeqCst) {
        return (StatusCode::INTERNAL_SERVER_ERROR, "database is down").into_response();
    }
    let users = of_tenant(s.directory.lock().unwrap().users.iter(), &tenant);
    if application != s.application || users.is_empty() {
        return (StatusCode::NOT_FOUND, Json(json!({"detail": "not found"}))).into_response();
    }
    Json(json!({"items": paging.slice(&users), "total": users.len()})).into_response()
}

/// Bare-array pages.
async fn groups(
    State(s): State<StandIn>,
    Query(paging): Query<Paging>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if let Some(refused) = refusal(&s, (&uri, &headers), "groups:read", &s.forbid_groups) {
        return refused;
    }
    let tenant = paging.tenant_id.clone().unwrap_or_default();
    let groups = of_tenant(s.directory.lock().unwrap().groups.iter().map(|(g, _)| g), &tenant);
    Json(paging.slice(&groups)).into_response()
}

/// `{data}` pages of memberships holding the user.
async fn members(
    State(s): State<StandIn>,
    Path(group): Path<String>,
    Query(paging): Query<Paging>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let never = AtomicBool::new(false);
    if let Some(refused) = refusal(&s, (&uri, &headers), "groups:read", &never) {
        return refused;
    }
    let directory = s.directory.lock().unwrap();
    let Some((_, ids)) = directory.groups.iter().find(|(g, _)| g["id"] == group) else {
        return (StatusCode::NOT_FOUND, Json(json!({"detail": "no such group"}))).into_response();
    };
    let memberships: Vec<Value> = ids
        .iter()
        .filter_map(|id| directory.users.iter().find(|u| u["id"] == *id))
        .map(|user| json!({"group_id": group, "user_id": user["id"], "user": user}))
        .collect();
    Json(json!({"data": paging.slice(&memberships)})).into_response()
}

/// A server using the stand-in, with the mirror knowing tenant `tnt_acme` (and the local-mode
/// tenant, which the sync must not ask ScaiKey about).
async fn app_using(stand_in: &StandIn, vars: &[(&str, &str)]) -> TestApp {
    let mut all = vec![
        ("SCAIKEY_BASE_URL", stand_in.issuer.as_str()),
        ("SCAIFLOW_SCAIKEY_CLIENT_ID", CLIENT),
        ("SCAIFLOW_SCAIKEY_CLIENT_SECRET", SECRET),
    ];
    all.extend_from_slice(vars);
    let app = TestApp::with(&all).await;
    for tenant in ["tnt_acme", "tnt_local"] {
        principals::ensure_tenant(&app.state.db, tenant, 0).await.unwrap();
    }
    app
}

async fn setup(vars: &[(&str, &str)]) -> (StandIn, TestApp) {
    let stand_in = stand_in(Directory::acme(), "me").await;
    let app = app_using(&stand_in, vars).await;
    (stand_in, app)
}

async fn sync(app: &TestApp) -> Reply {
    app.call(Method::POST, "/api/v1/admin/sync", None, &Principal::local(), &[]).await
}

/// The stats of a sync that must succeed, without the duration.
async fn stats(app: &TestApp) -> Value {
    let reply = sync(app).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let mut stats = reply.json;
    let duration = stats.as_object_mut().unwrap().remove("duration_seconds").unwrap();
    assert!(duration.as_f64().is_some_and(|d| d >= 0.0), "{duration}");
    stats
}

/// Stats with the given counters, every other one zero.
fn expected(method: &str, counters: &[(&str, u64)]) -> Value {
    let mut stats = json!({"skipped_reason": null, "users_method": method});
    let names = "users_seen users_added users_undeleted users_soft_deleted groups_seen \
        groups_added groups_undeleted groups_soft_deleted memberships_seen memberships_added \
        memberships_soft_deleted super_admin_count super_admins_group_promoted \
        super_admins_group_demoted";
    for name in names.split_whitespace() {
        let value = counters.iter().find(|(n, _)| *n == name).map_or(0, |(_, v)| *v);
        stats[name] = value.into();
    }
    stats
}

type UserRow =
    (Option<String>, Option<String>, Option<String>, Option<String>, Option<i64>, Option<i64>);

/// A user's email, display name, admin role, its source, deleted_at and last_synced_at.
async fn user(app: &TestApp, id: &str) -> UserRow {
    with_pool!(&app.state.db, pool => {
        sqlx::query_as("SELECT email, display_name, admin_role, admin_role_source, deleted_at, \
                        last_synced_at FROM users WHERE id = ?")
            .bind(id)
            .fetch_one(pool)
            .await
    })
    .unwrap()
}

async fn deleted(app: &TestApp, sql: &str, ids: &[&str]) -> bool {
    let at: Option<i64> = with_pool!(&app.state.db, pool => {
        let mut query = sqlx::query_scalar(sql);
        for id in ids {
            query = query.bind(*id);
        }
        query.fetch_one(pool).await
    })
    .unwrap();
    at.is_some()
}

async fn group_deleted(app: &TestApp, id: &str) -> bool {
    deleted(app, "SELECT deleted_at FROM user_groups WHERE id = ?", &[id]).await
}

async fn membership_deleted(app: &TestApp, group: &str, user: &str) -> bool {
    let sql = "SELECT deleted_at FROM group_members WHERE group_id = ? AND user_id = ?";
    deleted(app, sql, &[group, user]).await
}

#[tokio::test]
async fn effective_users_groups_and_memberships_are_mirrored() {
    let (stand_in, app) = setup(&[("SCAIFLOW_SUPER_ADMIN_GROUPS", "Platform Admins")]).await;
    let first = stats(&app).await;
    assert_eq!(
        first,
        expected(
            "effective_users",
            &[
                ("users_seen", 4),
                ("users_added", 4),
                ("groups_seen", 2),
                ("groups_added", 2),
                ("memberships_seen", 3),
                ("memberships_added", 3),
                ("super_admin_count", 1),
                ("super_admins_group_promoted", 1),
            ]
        )
    );
    let (email, name, role, source, gone, synced) = user(&app, "usr_alice").await;
    assert_eq!(
        (email.as_deref(), name.as_deref(), role, gone),
        (Some("alice@acme.example"), Some("Alice Johnson"), None, None)
    );
    assert!(synced.is_some() && source.is_none());
    assert_eq!(user(&app, "usr_bob").await.1.as_deref(), Some("Bob Brown"));
    assert_eq!(user(&app, "usr_carol").await.1.as_deref(), Some("Carol King"));
    let (_, _, role, source, _, _) = user(&app, "usr_carol").await;
    assert_eq!((role.as_deref(), source.as_deref()), (Some("super_admin"), Some("group")));
    // The local-mode tenant is not ScaiKey's to sync.
    assert_eq!(stand_in.requests_to("tnt_local"), 0);

    // Nothing changed in ScaiKey: nothing changes here.
    let again = stats(&app).await;
    assert_eq!(
        again,
        expected(
            "effective_users",
            &[
                ("users_seen", 4),
                ("groups_seen", 2),
                ("memberships_seen", 3),
                ("super_admin_count", 1)
            ]
        )
    );
    // The admin view shows what the sync brought.
    let users = app.call(Method::GET, "/api/v1/admin/users", None, &Principal::local(), &[]).await;
    let alice = users.json["users"].as_array().unwrap().iter().find(|u| u["id"] == "usr_alice");
    assert_eq!(alice.unwrap()["status"], "ACTIVE");
}

#[tokio::test]
async fn what_scaikey_no_longer_lists_is_soft_deleted_and_comes_back() {
    let (stand_in, app) = setup(&[("SCAIFLOW_SUPER_ADMIN_GROUPS", "grp_admins")]).await;
    stats(&app).await;
    let before = Directory::acme();
    stand_in.edit(|d| {
        d.users.retain(|u| u["id"] != "usr_dave");
        d.groups.retain(|(g, _)| g["id"] != "grp_admins");
        d.members("grp_eng").retain(|m| m != "usr_bob");
    });
    let removed = stats(&app).await;
    assert_eq!(
        removed,
        expected(
            "effective_users",
            &[
                ("users_seen", 3),
                ("users_soft_deleted", 1),
                ("groups_seen", 1),
                ("groups_soft_deleted", 1),
                ("memberships_seen", 1),
                ("memberships_soft_deleted", 2),
                ("super_admins_group_demoted", 1),
            ]
        )
    );
    let (email, _, _, _, gone, _) = user(&app, "usr_dave").await;
    assert!(gone.is_some(), "soft-deleted");
    assert_eq!(email.as_deref(), Some("dave@acme.example"), "and kept");
    assert!(group_deleted(&app, "grp_admins").await);
    assert!(membership_deleted(&app, "grp_eng", "usr_bob").await);
    assert!(membership_deleted(&app, "grp_admins", "usr_carol").await);
    assert!(!membership_deleted(&app, "grp_eng", "usr_alice").await);
    assert_eq!(user(&app, "usr_carol").await.2, None, "the group's super admin role went with it");

    // Everything returns.
    stand_in.edit(|d| *d = before);
    let back = stats(&app).await;
    assert_eq!(
        back,
        expected(
            "effective_users",
            &[
                ("users_seen", 4),
                ("users_undeleted", 1),
                ("groups_seen", 2),
                ("groups_undeleted", 1),
                ("memberships_seen", 3),
                ("memberships_added", 2),
                ("super_admin_count", 1),
                ("super_admins_group_promoted", 1),
            ]
        )
    );
    assert_eq!(user(&app, "usr_dave").await.4, None);
    assert!(!group_deleted(&app, "grp_admins").await);
    assert!(!membership_deleted(&app, "grp_eng", "usr_bob").await);
}

#[tokio::test]
async fn group_roles_are_promoted_and_demoted_but_manual_and_bootstrap_ones_stay() {
    // One group by id, one by name.
    let (stand_in, app) =
        setup(&[("SCAIFLOW_SUPER_ADMIN_GROUPS", "grp_eng, Platform Admins")]).await;
    let first = stats(&app).await;
    assert_eq!(
        (&first["super_admins_group_promoted"], &first["super_admin_count"]),
        (&json!(3), &json!(3))
    );
    // Bob's role is confirmed by hand; Dave got his at bootstrap.
    mirror::set_role(&app.state.db, "usr_bob", Some("super_admin")).await.unwrap();
    with_pool!(&app.state.db, pool => {
        sqlx::query("UPDATE users SET admin_role = 'super_admin', admin_role_source = 'bootstrap' \
                     WHERE id = 'usr_dave'")
            .execute(pool)
            .await
            .map(drop)
    })
    .unwrap();
    stand_in.edit(|d| {
        d.members("grp_eng").clear();
        d.members("grp_admins").clear();
    });
    let after = stats(&app).await;
    assert_eq!(
        (
            &after["super_admins_group_demoted"],
            &after["super_admins_group_promoted"],
            &after["super_admin_count"]
        ),
        (&json!(2), &json!(0), &json!(2))
    );
    let role = |row: UserRow| (row.2, row.3);
    let some = |a: &str, b: &str| (Some(a.to_owned()), Some(b.to_owned()));
    assert_eq!(role(user(&app, "usr_alice").await), (None, None));
    assert_eq!(role(user(&app, "usr_carol").await), (None, None));
    assert_eq!(role(user(&app, "usr_bob").await), some("super_admin", "manual"));
    assert_eq!(role(user(&app, "usr_dave").await), some("super_admin", "bootstrap"));
}

#[tokio::test]
async fn refused_effective_users_fall_back_to_walking_the_groups() {
    let (stand_in, app) = setup(&[]).await;
    stand_in.forbid_effective.store(true, Ordering::SeqCst);
    let walked = stats(&app).await;
    // Dave is in no group, so the walk does not find him.
    assert_eq!(
        walked,
        expected(
            "member_walk",
            &[
                ("users_seen", 3),
                ("users_added", 3),
                ("groups_seen", 2),
                ("groups_added", 2),
                ("memberships_seen", 3),
                ("memberships_added", 3),
            ]
        )
    );
    assert_eq!(user(&app, "usr_bob").await.0.as_deref(), Some("bob@acme.example"));

    // A client that may not have admin:read at all walks the groups too.
    stand_in.forbid_effective.store(false, Ordering::SeqCst);
    stand_in.refuse_admin_scope.store(true, Ordering::SeqCst);
    assert_eq!(stats(&app).await["users_method"], "member_walk");

    // Neither source: nothing to sync from.
    stand_in.forbid_groups.store(true, Ordering::SeqCst);
    let reply = sync(&app).await;
    assert_eq!(reply.status, StatusCode::BAD_GATEWAY, "{}", reply.text);
    assert_eq!(reply.json["detail"]["error"], "scaikey_unavailable");
    let message = reply.json["detail"]["message"].as_str().unwrap();
    assert!(message.contains("admin:read") && message.contains("groups:read"), "{message}");

    // Effective users without groups: groups and memberships are left as they are.
    stand_in.refuse_admin_scope.store(false, Ordering::SeqCst);
    let users_only = stats(&app).await;
    assert_eq!(users_only, expected("effective_users", &[("users_seen", 4), ("users_added", 1)]));
    assert!(!group_deleted(&app, "grp_eng").await);
    assert!(!membership_deleted(&app, "grp_eng", "usr_alice").await);

    // A ScaiKey failure that is no refusal is reported with ScaiKey's words.
    stand_in.fail_effective.store(true, Ordering::SeqCst);
    let reply = sync(&app).await;
    assert_eq!(reply.status, StatusCode::BAD_GATEWAY, "{}", reply.text);
    assert_eq!(reply.json["detail"]["error"], "scaikey_unavailable");
    assert!(
        reply.text.contains("500") && reply.text.contains("database is down"),
        "{}",
        reply.text
    );
}

#[tokio::test]
async fn long_lists_are_read_page_by_page() {
    let mut directory = Directory::default();
    for n in 0..230 {
        directory.users.push(json!({"id": format!("usr_{n:03}"), "tenant_id": "tnt_acme",
            "email": format!("user{n}@acme.example")}));
    }
    let everyone: Vec<String> = (0..150).map(|n| format!("usr_{n:03}")).collect();
    directory
        .groups
        .push((json!({"id": "grp_all", "name": "All", "tenant_id": "tnt_acme"}), everyone));
    let stand_in = stand_in(directory, "app_flows").await;
    let app = app_using(&stand_in, &[("SCAIFLOW_SCAIKEY_APPLICATION_ID", "app_flows")]).await;
    let paged = stats(&app).await;
    assert_eq!(
        (&paged["users_seen"], &paged["users_added"], &paged["memberships_added"]),
        (&json!(230), &json!(230), &json!(150))
    );
    assert_eq!(stand_in.requests_to("/applications/app_flows/effective-users"), 3);
    assert_eq!(stand_in.requests_to("/groups/grp_all/members"), 2);
    assert_eq!(stand_in.requests_to("page=3&per_page=100"), 1);
}

#[tokio::test]
async fn syncs_run_one_at_a_time() {
    let (_stand_in, app) = setup(&[]).await;
    let (a, b) = tokio::join!(sync(&app), sync(&app));
    assert_eq!((a.status, b.status), (StatusCode::OK, StatusCode::OK), "{} {}", a.text, b.text);
    let added = |r: &Reply| r.json["users_added"].as_u64().unwrap();
    assert_eq!(added(&a) + added(&b), 4, "{} {}", a.text, b.text);
}

#[tokio::test]
async fn without_scaikey_the_sync_is_skipped() {
    let app = TestApp::new().await;
    let reply = sync(&app).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let mut skipped = expected("", &[]);
    skipped["skipped_reason"] = "credentials_missing".into();
    skipped["users_method"] = Value::Null;
    skipped["duration_seconds"] = 0.0.into();
    assert_eq!(reply.json, skipped);
}

#[tokio::test]
async fn only_super_admins_may_sync() {
    let app = TestApp::new().await;
    let tenant_admin = Principal { admin_role: Some(AdminRole::TenantAdmin), ..member("usr_t") };
    for caller in [member("usr_bob"), tenant_admin] {
        let reply = app.call(Method::POST, "/api/v1/admin/sync", None, &caller, &[]).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.text);
        assert_eq!(reply.json["detail"]["error"], "forbidden");
    }
}

#[tokio::test]
async fn an_application_assignment_webhook_brings_the_mirror_up_to_date() {
    let webhook_secret = super::webhooks::SECRET;
    let (_stand_in, app) = setup(&[("SCAIFLOW_SCAIKEY_WEBHOOK_SECRET", webhook_secret)]).await;
    for (n, kind) in
        ["application.group_assigned", "application.group_unassigned"].iter().enumerate()
    {
        let body = json!({"event_id": format!("evt_assign_{n}"), "event_type": kind, "tenant_id": "tnt_acme",
            "data": {"group_id": "grp_eng", "application_id": "me"}});
        let t =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
                as i64;
        let sig = super::webhooks::signature(&body, webhook_secret, t);
        let reply = app
            .anonymous(
                Method::POST,
                "/api/v1/webhooks/scaikey",
                Some(&body),
                &[("X-ScaiKey-Signature", &sig)],
            )
            .await;
        assert_eq!(reply.json, json!({"handled": true}), "{kind}: {}", reply.text);
    }
    // The sync runs after the answer: the effective users arrive shortly.
    let started = std::time::Instant::now();
    loop {
        let known: i64 = with_pool!(&app.state.db, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE id = 'usr_alice'").fetch_one(pool).await
        })
        .unwrap();
        if known == 1 || started.elapsed() > std::time::Duration::from_secs(10) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let (email, ..) = user(&app, "usr_alice").await;
    assert_eq!(email.as_deref(), Some("alice@acme.example"));
}
