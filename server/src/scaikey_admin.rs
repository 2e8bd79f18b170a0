//! ScaiKey's admin API as the sync reads it: an application's effective users, a tenant's groups
//! and a group's members, page by page, with a token the caller obtained.
//!
//! Lists are asked for with `page` (from 1) and `per_page` ([`PER_PAGE`]) and read until a page
//! is empty, the reported `total` is reached, or (without a total) a page is shorter than asked.
//! ScaiKey's envelope for these lists is not documented, so a page may be a bare JSON array or an
//! object holding it in `items` or `data`, with an optional `total`; both forms occur among
//! ScaiKey's APIs. A `403` is its own error: the sync falls back on it.

use std::time::Duration;

use reqwest::{StatusCode, Url};
use serde_json::Value;

/// Page size asked for.
pub const PER_PAGE: usize = 100;
/// A list longer than this many pages is refused rather than read for ever.
const MAX_PAGES: usize = 1000;
/// Every request gives up after this long.
const TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A user as ScaiKey lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteUser {
    pub id: String,
    pub tenant_id: Option<String>,
    pub email: Option<String>,
    pub display_name: Option<String>,
    /// `ACTIVE`, `SUSPENDED`, `DELETED`, ...
    pub status: Option<String>,
}

impl RemoteUser {
    /// Reads a user, or a membership holding one (`user_id`, or a nested `user`).
    pub fn read(item: &Value) -> Option<RemoteUser> {
        let item = item.get("user").filter(|u| u.is_object()).unwrap_or(item);
        let id = text(item, "user_id").or_else(|| text(item, "id"))?;
        let display_name =
            text(item, "display_name").or_else(|| text(item, "name")).or_else(|| {
                match (text(item, "first_name"), text(item, "last_name")) {
                    (Some(first), Some(last)) => Some(format!("{first} {last}")),
                    (first, last) => first.or(last),
                }
            });
        Some(RemoteUser {
            id,
            tenant_id: text(item, "tenant_id"),
            email: text(item, "email"),
            display_name,
            status: text(item, "status"),
        })
    }

    /// ScaiKey lists the user but says they are deleted.
    pub fn is_deleted(&self) -> bool {
        self.status.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("deleted"))
    }
}

/// A group as ScaiKey lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteGroup {
    pub id: String,
    pub name: String,
    pub tenant_id: Option<String>,
}

impl RemoteGroup {
    pub fn read(item: &Value) -> Option<RemoteGroup> {
        let id = text(item, "id").or_else(|| text(item, "group_id"))?;
        Some(RemoteGroup {
            name: text(item, "name").unwrap_or_else(|| id.clone()),
            tenant_id: text(item, "tenant_id"),
            id,
        })
    }
}

/// An error with its causes: a failed request says why (refused, timed out, ...) only there.
fn causes(error: &(dyn std::error::Error + 'static)) -> String {
    let chain = std::iter::successors(Some(error), |e| e.source());
    chain.map(ToString::to_string).collect::<Vec<_>>().join(": ")
}

fn text(item: &Value, key: &str) -> Option<String> {
    item.get(key).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// Why a list could not be read; each names the list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdminError {
    /// ScaiKey answered 403: the token lacks the scope (or the tenant is not the caller's).
    #[error("ScaiKey refused to list {what}: {message}")]
    Forbidden { what: String, message: String },
    /// ScaiKey could not be reached or answered something else than a page.
    #[error("ScaiKey could not list {what}: {message}")]
    Failed { what: String, message: String },
}

/// The admin API of one ScaiKey.
pub struct AdminApi {
    http: reqwest::Client,
    root: Url,
}

impl AdminApi {
    /// The admin API beside `base_url` (`SCAIKEY_BASE_URL`); see [`root`].
    pub fn new(base_url: &str) -> Result<AdminApi, AdminError> {
        let root = Url::parse(root(base_url)).map_err(|e| AdminError::Failed {
            what: "anything".into(),
            message: format!("SCAIKEY_BASE_URL: {e}"),
        })?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .build()
            .unwrap_or_default();
        Ok(AdminApi { http, root })
    }

    /// `GET /api/v1/tenants/{tenant}/applications/{application}/effective-users`: the users
    /// given the application directly or through a group (token scope `admin:read`).
    pub async fn effective_users(
        &self,
        token: &str,
        tenant: &str,
        application: &str,
    ) -> Result<Vec<RemoteUser>, AdminError> {
        let path = ["api", "v1", "tenants", tenant, "applications", application, "effective-users"];
        let what = format!("the effective users of application {application} in {tenant}");
        let items = self.list(token, &path, &[], &what).await?;
        Ok(items.iter().filter_map(RemoteUser::read).collect())
    }

    /// `GET /api/v1/admin/groups/?tenant_id=`: the tenant's groups (token scope `groups:read`).
    pub async fn groups(&self, token: &str, tenant: &str) -> Result<Vec<RemoteGroup>, AdminError> {
        let path = ["api", "v1", "admin", "groups", ""];
        let what = format!("the groups of {tenant}");
        let items = self.list(token, &path, &[("tenant_id", tenant)], &what).await?;
        Ok(items.iter().filter_map(RemoteGroup::read).collect())
    }

    /// `GET /api/v1/admin/groups/{group}/members`: a group's members (token scope
    /// `groups:read`). ScaiKey's documentation names member sub-resources without their path;
    /// this is the REST shape of its other admin resources.
    pub async fn members(&self, token: &str, group: &str) -> Result<Vec<RemoteUser>, AdminError> {
        let path = ["api", "v1", "admin", "groups", group, "members"];
        let what = format!("the members of group {group}");
        let items = self.list(token, &path, &[], &what).await?;
        Ok(items.iter().filter_map(RemoteUser::read).collect())
    }

    /// Every item of a paged list.
    async fn list(
        &self,
        token: &str,
        path: &[&str],
        query: &[(&str, &str)],
        what: &str,
    ) -> Result<Vec<Value>, AdminError> {
        let failed = |message: String| AdminError::Failed { what: what.to_owned(), message };
        let mut url = self.root.clone();
        url.path_segments_mut()
            .map_err(|()| failed("SCAIKEY_BASE_URL cannot hold a path".into()))?
            .pop_if_empty()
            .extend(path);
        let mut all = Vec::new();
        for number in 1..=MAX_PAGES {
            let response = self
                .http
                .get(url.clone())
                .bearer_auth(token)
                .query(query)
                .query(&[("page", number), ("per_page", PER_PAGE)])
                .send()
                .await
                .map_err(|e| failed(causes(&e)))?;
            let status = response.status();
            let body = response.text().await.map_err(|e| failed(causes(&e)))?;
            if status == StatusCode::FORBIDDEN {
                return Err(AdminError::Forbidden {
                    what: what.to_owned(),
                    message: reason(&body),
                });
            }
            if !status.is_success() {
                return Err(failed(format!("{url} answered {status}: {}", reason(&body))));
            }
            let (items, total) = serde_json::from_str(&body)
                .ok()
                .and_then(page)
                .ok_or_else(|| failed(format!("{url} answered something that is not a list")))?;
            let count = items.len();
            all.extend(items);
            let last = match total {
                Some(total) => count == 0 || all.len() as u64 >= total,
                // Shorter than asked is the last page; longer, the list is not paged.
                None => count != PER_PAGE,
            };
            if last {
                return Ok(all);
            }
        }
        Err(failed(format!("the list is longer than {MAX_PAGES} pages of {PER_PAGE}")))
    }
}

/// Where the admin API is: `SCAIKEY_BASE_URL` up to its `/api/v1/` path, when it is an issuer
/// such as `https://scaikey.example/api/v1/auth/tenants/acme` or
/// `https://scaikey.example/api/v1/platform/oauth`; else the whole of it.
pub fn root(base_url: &str) -> &str {
    let base = base_url.trim_end_matches('/');
    match base.find("/api/v1/") {
        Some(at) => &base[..at],
        None => base.strip_suffix("/api/v1").unwrap_or(base),
    }
}

/// A page's items and the list's `total` when it says.
fn page(body: Value) -> Option<(Vec<Value>, Option<u64>)> {
    match body {
        Value::Array(items) => Some((items, None)),
        Value::Object(mut object) => {
            let total = object.get("total").and_then(Value::as_u64);
            let items = ["items", "data"].iter().find_map(|key| match object.remove(*key) {
                Some(Value::Array(items)) => Some(items),
                _ => None,
            })?;
            Some((items, total))
        }
        _ => None,
    }
}

/// What an error answer says: its `detail` (a text, or an object's `message`), `message` or
/// `error_description`, else the start of the body.
fn reason(body: &str) -> String {
    let said = serde_json::from_str::<Value>(body).ok().and_then(|json| {
        [
            json.get("detail").and_then(Value::as_str),
            json.pointer("/detail/message").and_then(Value::as_str),
            json.get("message").and_then(Value::as_str),
            json.pointer("/error/message").and_then(Value::as_str),
            json.get("error_description").and_then(Value::as_str),
        ]
        .into_iter()
        .flatten()
        .next()
        .map(str::to_owned)
    });
    said.unwrap_or_else(|| body.chars().take(200).collect())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn pages_are_bare_arrays_or_items_or_data() {
        let a = json!({"id": "usr_a"});
        assert_eq!(page(json!([a])), Some((vec![a.clone()], None)));
        assert_eq!(page(json!({"items": [a], "total": 7})), Some((vec![a.clone()], Some(7))));
        assert_eq!(page(json!({"data": [a]})), Some((vec![a.clone()], None)));
        assert_eq!(page(json!({"data": {"id": "usr_a"}})), None);
        assert_eq!(page(json!("nope")), None);
    }

    #[test]
    fn users_and_memberships_are_read() {
        let user = RemoteUser::read(&json!({"id": "usr_a", "tenant_id": "tnt_acme",
            "email": "a@acme.example", "first_name": "Ada", "last_name": "Lovelace", "status": "ACTIVE"}))
        .unwrap();
        assert_eq!(user.display_name.as_deref(), Some("Ada Lovelace"));
        assert!(!user.is_deleted());
        let member =
            RemoteUser::read(&json!({"id": "mbr_1", "user_id": "usr_b", "name": "Bo"})).unwrap();
        assert_eq!((member.id.as_str(), member.display_name.as_deref()), ("usr_b", Some("Bo")));
        let nested = RemoteUser::read(
            &json!({"group_id": "grp_1", "user": {"id": "usr_c", "status": "deleted"}}),
        )
        .unwrap();
        assert_eq!(nested.id, "usr_c");
        assert!(nested.is_deleted());
        assert_eq!(RemoteUser::read(&json!({"email": "x@y"})), None);
        let group = RemoteGroup::read(&json!({"id": "grp_1"})).unwrap();
        assert_eq!(group.name, "grp_1");
    }

    #[test]
    fn the_admin_api_is_beside_the_issuer() {
        assert_eq!(root("https://scaikey.example/"), "https://scaikey.example");
        assert_eq!(
            root("https://scaikey.example/api/v1/auth/tenants/acme"),
            "https://scaikey.example"
        );
        assert_eq!(
            root("https://scaikey.example/api/v1/platform/oauth"),
            "https://scaikey.example"
        );
        assert_eq!(root("https://scaikey.example/api/v1"), "https://scaikey.example");
        assert_eq!(root("http://127.0.0.1:9000/idp"), "http://127.0.0.1:9000/idp");
    }

    #[test]
    fn error_answers_are_quoted() {
        let detail = r#"{"detail": "Platform token requires admin:read or admin:write scope"}"#;
        assert_eq!(reason(detail), "Platform token requires admin:read or admin:write scope");
        assert_eq!(reason(r#"{"error": {"message": "no"}}"#), "no");
        assert_eq!(reason("<html>down</html>"), "<html>down</html>");
    }
}
