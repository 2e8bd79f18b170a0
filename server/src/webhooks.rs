//! ScaiKey's webhook deliveries: ScaiKey tells us about users, groups and memberships, and the
//! local mirror (which flow ACLs name) follows. The HTTP handler is `api::webhooks`.
//!
//! Each delivery is signed: `X-ScaiKey-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` over
//! `"<timestamp>.<raw body>"` with `SCAIFLOW_SCAIKEY_WEBHOOK_SECRET`, compared in constant time;
//! deliveries older or newer than five minutes are refused (replays). Both envelopes in use are
//! read (`type`/`id`/`created_at` and `event_type`/`event_id`/`timestamp`), and both spellings of
//! the membership events. A redelivered event id is acknowledged without being applied twice.

use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use sha2::Sha256;

use crate::clock::now_millis;
use crate::problem::{Details, Problem};
use crate::storage::db::Database;
use crate::storage::mirror;
use crate::sync::MirrorSync;

/// How far a delivery's timestamp may be from our clock.
const FRESHNESS_SECONDS: i64 = 5 * 60;

/// Why a delivery is refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the webhook secret is not configured on this server")]
    NotConfigured,
    #[error("missing or malformed X-ScaiKey-Signature header")]
    NoSignature,
    #[error("missing or malformed timestamp")]
    NoTimestamp,
    #[error("the timestamp is more than five minutes from now")]
    Stale,
    #[error("the signature does not match")]
    BadSignature,
    #[error("the body is not a JSON event")]
    BadBody,
}

impl From<Refusal> for Problem {
    fn from(refusal: Refusal) -> Problem {
        let message = refusal.to_string();
        let code = match refusal {
            Refusal::NotConfigured => {
                return Problem::NotConfigured { code: "webhook_not_configured", message };
            }
            Refusal::BadBody => "invalid_request",
            _ => "invalid_signature",
        };
        Problem::Unfit { code, message, fix: None, extra: Details::default() }
    }
}

/// Checks a delivery, signed with `secret` (none: the server is not set up for webhooks and
/// refuses every delivery), and applies its event to the mirror once: `true` when applied (or
/// applied before), `false` for an event type the mirror does not follow.
pub async fn receive(
    mirror: Mirror<'_>,
    secret: Option<&str>,
    signed: Signed<'_>,
    body: &[u8],
) -> Result<bool, Problem> {
    let secret = secret.ok_or(Refusal::NotConfigured)?;
    if let Err(refusal) = verify(signed, body, secret, now_millis() / 1000) {
        tracing::warn!(reason = %refusal, "ScaiKey webhook refused");
        return Err(refusal.into());
    }
    let event = serde_json::from_slice::<Value>(body)
        .ok()
        .as_ref()
        .and_then(Event::read)
        .ok_or(Refusal::BadBody)?;
    apply(mirror, &event).await.map_err(|e| {
        tracing::error!(error = %e, event = %event.kind, "ScaiKey webhook failed");
        Problem::Failed { message: "the event could not be applied; the error is logged" }
    })
}

/// HMAC-SHA256 (RFC 2104).
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    mac(key, message).finalize().into_bytes().into()
}

/// The HMAC-SHA256 of `message` under `key`, to finish or to verify.
fn mac(key: &[u8], message: &[u8]) -> Hmac<Sha256> {
    // HMAC takes keys of any length (longer ones are hashed first).
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(message);
    mac
}

/// What a delivery is signed with: its `X-ScaiKey-Signature` header and, for signatures without
/// their `t=`, its `X-ScaiKey-Timestamp` header.
#[derive(Debug, Clone, Copy, Default)]
pub struct Signed<'a> {
    pub signature: Option<&'a str>,
    pub timestamp: Option<&'a str>,
}

/// Checks a delivery's signature and freshness against `secret` at `now` (unix seconds).
pub fn verify(signed: Signed<'_>, body: &[u8], secret: &str, now: i64) -> Result<(), Refusal> {
    let signature = signed.signature.ok_or(Refusal::NoSignature)?;
    let mut stamp = None;
    let mut given = Vec::new();
    for part in signature.split(',').map(str::trim) {
        match part.split_once('=') {
            Some(("t", t)) => stamp = Some(t.to_owned()),
            Some(("v1", v)) => given.push(v.to_owned()),
            _ => {}
        }
    }
    if given.is_empty() {
        return Err(Refusal::NoSignature);
    }
    let stamp =
        stamp.or_else(|| signed.timestamp.map(str::to_owned)).ok_or(Refusal::NoTimestamp)?;
    let seconds: i64 = stamp.trim().parse().map_err(|_| Refusal::NoTimestamp)?;
    if (now - seconds).abs() > FRESHNESS_SECONDS {
        return Err(Refusal::Stale);
    }
    let mut signed = Vec::with_capacity(stamp.len() + 1 + body.len());
    signed.extend_from_slice(stamp.trim().as_bytes());
    signed.push(b'.');
    signed.extend_from_slice(body);
    let expected = mac(secret.as_bytes(), &signed);
    // Each candidate is compared in constant time.
    let matches = |given: &String| {
        hex::decode(given.trim()).is_ok_and(|tag| expected.clone().verify_slice(&tag).is_ok())
    };
    if given.iter().any(matches) { Ok(()) } else { Err(Refusal::BadSignature) }
}

/// An event, from either envelope.
#[derive(Debug, PartialEq)]
pub struct Event {
    pub id: Option<String>,
    pub kind: String,
    pub tenant_id: Option<String>,
    pub data: Value,
}

impl Event {
    pub fn read(body: &Value) -> Option<Event> {
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
        let kind = text(body.get("type")).or_else(|| text(body.get("event_type")))?;
        let data = body.get("data").cloned().unwrap_or(Value::Null);
        let tenant_id = text(data.get("tenant_id"))
            .or_else(|| text(data.pointer("/tenant/id")))
            .or_else(|| text(body.get("tenant_id")));
        let id = text(body.get("id")).or_else(|| text(body.get("event_id")));
        Some(Event { id, kind, tenant_id, data })
    }

    fn field(&self, names: &[&str]) -> Option<String> {
        names.iter().find_map(|n| self.data.get(*n).and_then(Value::as_str)).map(str::to_owned)
    }
}

/// What applying an event works with: the mirror's database, the groups whose members are super
/// admins, and the full sync (which an application assignment starts).
pub struct Mirror<'a> {
    pub db: &'a Database,
    pub super_admin_groups: &'a [String],
    pub sync: &'a MirrorSync,
}

/// Applies `event` to the mirror once; `false` for event types we do not act on.
async fn apply(mirror_of: Mirror<'_>, event: &Event) -> Result<bool, sqlx::Error> {
    let db = mirror_of.db;
    let now = now_millis();
    if let Some(id) = &event.id
        && !mirror::first_delivery(db, id, &event.kind, now).await?
    {
        return Ok(true);
    }
    let user = || event.field(&["user_id", "id"]);
    let group = || event.field(&["group_id", "id"]);
    match event.kind.as_str() {
        "user.created" | "user.updated" | "user.activated" => {
            let (Some(id), Some(tenant)) = (user(), event.tenant_id.clone()) else {
                return Ok(false);
            };
            let name = match (event.field(&["first_name"]), event.field(&["last_name"])) {
                (Some(first), Some(last)) => Some(format!("{first} {last}")),
                _ => event.field(&["name", "display_name"]),
            };
            let email = event.field(&["email"]);
            mirror::upsert_user(db, &tenant, &id, email.as_deref(), name.as_deref(), now).await?;
            Ok(true)
        }
        "user.deleted" => {
            let Some(id) = user() else { return Ok(false) };
            mirror::remove_user(db, &id, now).await?;
            Ok(true)
        }
        "group.created" | "group.updated" => {
            let (Some(id), Some(tenant)) = (group(), event.tenant_id.clone()) else {
                return Ok(false);
            };
            let name = event.field(&["name"]).unwrap_or_else(|| id.clone());
            mirror::upsert_group(db, &tenant, &id, &name, now).await?;
            Ok(true)
        }
        "group.deleted" => {
            let Some(id) = group() else { return Ok(false) };
            mirror::remove_group(db, &id, now).await?;
            Ok(true)
        }
        "group_membership.added" | "group.member_added" => {
            let (Some(user), Some(group)) = (event.field(&["user_id"]), event.field(&["group_id"]))
            else {
                return Ok(false);
            };
            if mirror::add_member(db, &group, &user).await?.is_none() {
                return Ok(false);
            }
            reconcile_super_admin(&mirror_of, &user, now).await?;
            Ok(true)
        }
        "group_membership.removed" | "group.member_removed" => {
            let (Some(user), Some(group)) = (event.field(&["user_id"]), event.field(&["group_id"]))
            else {
                return Ok(false);
            };
            mirror::remove_member(db, &group, &user, now).await?;
            reconcile_super_admin(&mirror_of, &user, now).await?;
            Ok(true)
        }
        // Who may use the application changed: a sync brings the effective users (and the
        // super-admin roles that follow groups) up to date. It runs after the answer, so
        // ScaiKey's delivery does not wait on it.
        "application.group_assigned" | "application.group_unassigned" => {
            let sync = mirror_of.sync.clone();
            tokio::spawn(async move {
                match sync.run().await {
                    Ok(stats) => tracing::info!(?stats, "sync after an application assignment"),
                    Err(error) => {
                        tracing::warn!(%error, "sync after an application assignment failed")
                    }
                }
            });
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// The super-admin group reconcile for the one user a membership event is about.
async fn reconcile_super_admin(of: &Mirror<'_>, user: &str, now: i64) -> Result<(), sqlx::Error> {
    mirror::reconcile_super_admins(of.db, of.super_admin_groups, Some(user), now).await.map(drop)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2 and test case 6 (a key longer than the block).
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let key = hex::decode("aa".repeat(131)).unwrap();
        let mac = hmac_sha256(&key, b"Test Using Larger Than Block-Size Key - Hash Key First");
        assert_eq!(
            hex::encode(mac),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    fn signed(secret: &str, t: i64, body: &[u8]) -> String {
        let mut message = format!("{t}.").into_bytes();
        message.extend_from_slice(body);
        format!("t={t},v1={}", hex::encode(hmac_sha256(secret.as_bytes(), &message)))
    }

    fn by(signature: &str) -> Signed<'_> {
        Signed { signature: Some(signature), timestamp: None }
    }

    #[test]
    fn signatures_are_checked_with_their_timestamp() {
        let body = br#"{"type":"user.created"}"#;
        let now = 1_800_000_000;
        assert_eq!(verify(by(&signed("s3cret", now, body)), body, "s3cret", now), Ok(()));
        assert_eq!(verify(by(&signed("s3cret", now - 299, body)), body, "s3cret", now), Ok(()));
        assert_eq!(
            verify(by(&signed("s3cret", now - 301, body)), body, "s3cret", now),
            Err(Refusal::Stale)
        );
        assert_eq!(
            verify(by(&signed("other", now, body)), body, "s3cret", now),
            Err(Refusal::BadSignature)
        );
        let tampered = br#"{"type":"user.deleted"}"#;
        assert_eq!(
            verify(by(&signed("s3cret", now, body)), tampered, "s3cret", now),
            Err(Refusal::BadSignature)
        );
        assert_eq!(verify(Signed::default(), body, "s3cret", now), Err(Refusal::NoSignature));
        // The timestamp may come in its own header instead.
        let signature = signed("s3cret", now, body);
        let only_mac = signature.split(',').nth(1).unwrap();
        assert_eq!(verify(by(only_mac), body, "s3cret", now), Err(Refusal::NoTimestamp));
        let stamp = now.to_string();
        let apart = Signed { signature: Some(only_mac), timestamp: Some(&stamp) };
        assert_eq!(verify(apart, body, "s3cret", now), Ok(()));
    }

    #[test]
    fn both_envelopes_are_read() {
        let ours = json!({"type": "user.created", "id": "evt_1", "data": {"user_id": "usr_a", "tenant_id": "tnt_acme"}});
        let theirs = json!({"event_type": "user.created", "event_id": "evt_2", "tenant_id": "tnt_acme",
            "data": {"id": "usr_a", "tenant": {"id": "tnt_acme"}}});
        let a = Event::read(&ours).unwrap();
        let b = Event::read(&theirs).unwrap();
        assert_eq!(
            (a.kind.as_str(), a.id.as_deref(), a.tenant_id.as_deref()),
            ("user.created", Some("evt_1"), Some("tnt_acme"))
        );
        assert_eq!((b.id.as_deref(), b.tenant_id.as_deref()), (Some("evt_2"), Some("tnt_acme")));
        assert_eq!(a.field(&["user_id", "id"]), b.field(&["user_id", "id"]));
        assert!(Event::read(&json!({"data": {}})).is_none());
    }
}
