//! `POST /api/v1/webhooks/scaikey`: signed ScaiKey events keep the user and group mirror.

use axum::http::{Method, StatusCode};
use scaiflow_server::caller::Principal;
use scaiflow_server::webhooks::hmac_sha256;
use scaiflow_server::with_pool;
use serde_json::{Value, json};

use crate::{Reply, TestApp, example, member};

pub const SECRET: &str = "whsec_test";
const PATH: &str = "/api/v1/webhooks/scaikey";

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

pub fn signature(body: &Value, secret: &str, t: i64) -> String {
    let mut message = format!("{t}.").into_bytes();
    message.extend(serde_json::to_vec(body).unwrap());
    let mac: String =
        hmac_sha256(secret.as_bytes(), &message).iter().map(|b| format!("{b:02x}")).collect();
    format!("t={t},v1={mac}")
}

/// Delivers `body` signed as ScaiKey does (its header spelling).
async fn deliver(app: &TestApp, body: Value) -> Reply {
    let sig = signature(&body, SECRET, now());
    app.call(Method::POST, PATH, Some(&body), &Principal::local(), &[("X-ScaiKey-Signature", &sig)])
        .await
}

async fn app() -> TestApp {
    TestApp::with(&[
        ("SCAIFLOW_SCAIKEY_WEBHOOK_SECRET", SECRET),
        ("SCAIFLOW_SUPER_ADMIN_GROUPS", "Platform Admins"),
    ])
    .await
}

async fn user_row(
    app: &TestApp,
    id: &str,
) -> Option<(Option<String>, Option<String>, Option<String>, Option<i64>)> {
    with_pool!(&app.state.db, pool => {
        sqlx::query_as("SELECT email, admin_role, admin_role_source, deleted_at FROM users WHERE id = ?")
            .bind(id)
            .fetch_optional(pool)
            .await
    })
    .unwrap()
}

#[tokio::test]
async fn events_of_both_envelopes_keep_the_mirror() {
    let app = app().await;
    // ScaiFlow's documented envelope.
    let reply = deliver(
        &app,
        json!({"type": "user.created", "id": "evt_1", "created_at": "2026-11-23T10:00:00Z",
        "data": {"user_id": "usr_alice", "tenant_id": "tnt_local", "email": "alice@acme.example"}}),
    )
    .await;
    assert_eq!(
        (reply.status, reply.json.clone()),
        (StatusCode::OK, json!({"handled": true})),
        "{}",
        reply.text
    );
    assert_eq!(user_row(&app, "usr_alice").await.unwrap().0.as_deref(), Some("alice@acme.example"));

    // ScaiKey's own envelope and event names.
    let reply = deliver(&app, json!({"event_id": "evt_2", "event_type": "group.created", "timestamp": "2026-11-23T10:00:01Z",
        "resource": {"type": "group", "id": "grp_admins"}, "tenant_id": "tnt_local",
        "data": {"id": "grp_admins", "name": "Platform Admins"}})).await;
    assert_eq!(reply.json, json!({"handled": true}));
    let reply = deliver(
        &app,
        json!({"event_id": "evt_3", "event_type": "group.member_added", "tenant_id": "tnt_local",
        "data": {"group_id": "grp_admins", "user_id": "usr_alice"}}),
    )
    .await;
    assert_eq!(reply.json, json!({"handled": true}));
    // Membership of a super-admin group promotes, with the group as the source.
    let (_, role, source, _) = user_row(&app, "usr_alice").await.unwrap();
    assert_eq!((role.as_deref(), source.as_deref()), (Some("super_admin"), Some("group")));

    // The group can be granted flows at once.
    repo_owner(&app).await;
    let id = flow(&app).await;
    let body = json!({"principal_type": "group", "principal_id": "grp_admins", "level": "view"});
    let grant = app
        .call(
            Method::POST,
            &format!("/api/v1/flows/{id}/acls"),
            Some(&body),
            &member("usr_owner"),
            &[],
        )
        .await;
    assert_eq!(grant.status, StatusCode::CREATED, "{}", grant.text);

    // Leaving the group demotes; the documented membership name works too.
    let reply = deliver(
        &app,
        json!({"type": "group_membership.removed", "id": "evt_4",
        "data": {"group_id": "grp_admins", "user_id": "usr_alice", "tenant_id": "tnt_local"}}),
    )
    .await;
    assert_eq!(reply.json, json!({"handled": true}));
    let (_, role, source, _) = user_row(&app, "usr_alice").await.unwrap();
    assert_eq!((role, source), (None, None));

    // A redelivered event is acknowledged, not applied again: re-add, then replay the removal.
    deliver(
        &app,
        json!({"type": "group_membership.added", "id": "evt_5",
        "data": {"group_id": "grp_admins", "user_id": "usr_alice"}}),
    )
    .await;
    let replay = deliver(
        &app,
        json!({"type": "group_membership.removed", "id": "evt_4",
        "data": {"group_id": "grp_admins", "user_id": "usr_alice", "tenant_id": "tnt_local"}}),
    )
    .await;
    assert_eq!(replay.json, json!({"handled": true}));
    assert_eq!(
        user_row(&app, "usr_alice").await.unwrap().1.as_deref(),
        Some("super_admin"),
        "the replay changed nothing"
    );

    // A role given by hand is not taken away by the group.
    with_pool!(&app.state.db, pool => {
        sqlx::query("UPDATE users SET admin_role_source = 'manual' WHERE id = 'usr_alice'").execute(pool).await.map(|_| ())
    })
    .unwrap();
    deliver(
        &app,
        json!({"type": "group.member_removed", "id": "evt_6",
        "data": {"group_id": "grp_admins", "user_id": "usr_alice"}}),
    )
    .await;
    assert_eq!(user_row(&app, "usr_alice").await.unwrap().1.as_deref(), Some("super_admin"));

    // Deletions are soft.
    deliver(&app, json!({"type": "user.deleted", "id": "evt_7", "data": {"user_id": "usr_alice"}}))
        .await;
    let (email, _, _, deleted) = user_row(&app, "usr_alice").await.unwrap();
    assert_eq!(email.as_deref(), Some("alice@acme.example"));
    assert!(deleted.is_some());

    // A membership of someone the mirror does not know yet is left to the sync.
    let reply = deliver(
        &app,
        json!({"type": "group.member_added", "id": "evt_9",
        "data": {"group_id": "grp_admins", "user_id": "usr_unknown"}}),
    )
    .await;
    assert_eq!(reply.json, json!({"handled": false}));

    // Unknown types are acknowledged so ScaiKey stops retrying.
    let reply = deliver(&app, json!({"type": "user.mfa_enabled", "id": "evt_8", "data": {}})).await;
    assert_eq!((reply.status, reply.json), (StatusCode::OK, json!({"handled": false})));
}

async fn repo_owner(app: &TestApp) {
    scaiflow_server::storage::principals::ensure_principal(&app.state.db, &member("usr_owner"), 0)
        .await
        .unwrap();
}

async fn flow(app: &TestApp) -> String {
    let body = json!({"name": "Mirrored", "content": example()});
    let reply =
        app.call(Method::POST, "/api/v1/flows", Some(&body), &member("usr_owner"), &[]).await;
    reply.json["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn unsigned_stale_or_forged_deliveries_are_refused() {
    let app = app().await;
    let body = json!({"type": "user.created", "id": "evt_x", "data": {"user_id": "usr_mallory", "tenant_id": "tnt_local"}});
    let send = |headers: Vec<(&'static str, String)>| {
        let body = body.clone();
        let app = &app;
        async move {
            let headers: Vec<(&str, &str)> =
                headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call(Method::POST, PATH, Some(&body), &Principal::local(), &headers).await
        }
    };
    let cases = [
        (vec![], "missing"),
        (vec![("X-Scaikey-Signature", signature(&body, "wrong secret", now()))], "forged"),
        (vec![("X-Scaikey-Signature", signature(&body, SECRET, now() - 600))], "stale"),
        (vec![("X-Scaikey-Signature", "v1=00".to_owned())], "no timestamp"),
        (vec![("X-Scaikey-Signature", "t=abc,v1=00".to_owned())], "bad timestamp"),
    ];
    for (headers, what) in cases {
        let reply = send(headers).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{what}: {}", reply.text);
        assert_eq!(reply.json["detail"]["error"], "invalid_signature", "{what}");
    }
    // The timestamp may come in its own header (ScaiFlow's documented spelling).
    let t = now();
    let sig = signature(&body, SECRET, t);
    let mac = sig.split(',').nth(1).unwrap().to_owned();
    let ok = send(vec![("X-Scaikey-Signature", mac), ("X-Scaikey-Timestamp", t.to_string())]).await;
    assert_eq!(ok.json, json!({"handled": true}), "{}", ok.text);
    assert!(user_row(&app, "usr_mallory").await.is_some());
}

#[tokio::test]
async fn without_a_secret_webhooks_fail_closed() {
    let app = TestApp::new().await;
    let body = json!({"type": "user.created", "id": "evt_y", "data": {}});
    let sig = signature(&body, SECRET, now());
    let reply = app
        .call(
            Method::POST,
            PATH,
            Some(&body),
            &Principal::local(),
            &[("X-ScaiKey-Signature", &sig)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(reply.json["detail"]["error"], "webhook_not_configured");
}
