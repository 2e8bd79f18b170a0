//! ScaiQueue scopes and queues (platform contract §4.4), per tenant.
//!
//! Lists are plain `{"data": [...]}` without `limit`/`cursor`: the contract does not say whether
//! these lists paginate (its open questions), and ScaiFlow's find-or-create reads them whole.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Map, Value};

use crate::envelope::{self, ApiError, FieldError};
use crate::state::{Queue, Scope, Shared};

/// Created with every scope, as ScaiQueue does.
const SYSTEM_QUEUES: &[&str] = &["_dead_letter", "_events", "_audit", "_integrity", "_corrections"];
const ORDERINGS: &[&str] = &["fifo", "priority", "deadline"];
const CONSUMER_MODES: &[&str] = &["competing", "broadcast"];
const DEFAULT_MAX_RETRIES: u64 = 5;
const DEFAULT_VISIBILITY_TIMEOUT_S: u64 = 30;

pub(crate) fn routes() -> Router<Arc<Shared>> {
    use axum::routing::get;
    Router::new()
        .route("/scopes", get(list_scopes).post(create_scope))
        .route("/scopes/{scope_id}", get(get_scope))
        .route("/scopes/{scope_id}/queues", get(list_queues).post(create_queue))
}

async fn list_scopes(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let caller = shared.authorize(&headers, "scaiqueue:view")?;
    let inner = shared.lock();
    let scopes = inner.scopes.get(&caller.tenant_id).map(Vec::as_slice).unwrap_or_default();
    Ok(envelope::data(to_json(&scopes)))
}

async fn get_scope(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(scope_id): Path<String>,
) -> Result<Response, ApiError> {
    let caller = shared.authorize(&headers, "scaiqueue:view")?;
    let mut inner = shared.lock();
    let scope = find_scope(&mut inner.scopes, &caller.tenant_id, &scope_id)?;
    Ok(envelope::data(to_json(&*scope)))
}

async fn create_scope(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let caller = shared.authorize(&headers, "scaiqueue:manage")?;
    let body = envelope::object_body(&body)?;
    let mut details = Vec::new();
    let slug = slug_field(&body, &mut details);
    let display_name = string_field(&body, "display_name", &mut details);
    let description = string_field(&body, "description", &mut details);
    let Some(slug) = slug.filter(|_| details.is_empty()) else {
        return Err(ApiError::validation(details));
    };

    let mut inner = shared.lock();
    if inner.scopes.get(&caller.tenant_id).is_some_and(|s| s.iter().any(|s| s.slug == slug)) {
        return Err(ApiError::slug_conflict("scope", &slug));
    }
    let id = inner.new_id("sc");
    let queues = SYSTEM_QUEUES
        .iter()
        .map(|system| Queue {
            id: inner.new_id("q"),
            scope_id: id.clone(),
            slug: (*system).to_owned(),
            display_name: (*system).to_owned(),
            description: None,
            ordering: "fifo".to_owned(),
            consumer_mode: "competing".to_owned(),
            max_retries: 0,
            visibility_timeout_s: DEFAULT_VISIBILITY_TIMEOUT_S,
            status: "active",
        })
        .collect();
    let scope = Scope {
        id,
        display_name: display_name.unwrap_or_else(|| slug.clone()),
        slug,
        description,
        status: "active",
        queues,
    };
    let answer = to_json(&scope);
    inner.scopes.entry(caller.tenant_id).or_default().push(scope);
    Ok(envelope::created(answer))
}

async fn list_queues(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(scope_id): Path<String>,
) -> Result<Response, ApiError> {
    let caller = shared.authorize(&headers, "scaiqueue:view")?;
    let mut inner = shared.lock();
    let scope = find_scope(&mut inner.scopes, &caller.tenant_id, &scope_id)?;
    Ok(envelope::data(to_json(&scope.queues)))
}

async fn create_queue(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(scope_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let caller = shared.authorize(&headers, "scaiqueue:manage")?;
    // An unknown scope is reported before the body, as a missing parent usually is.
    find_scope(&mut shared.lock().scopes, &caller.tenant_id, &scope_id)?;
    let body = envelope::object_body(&body)?;
    let mut details = Vec::new();
    let slug = slug_field(&body, &mut details);
    let display_name = string_field(&body, "display_name", &mut details);
    let description = string_field(&body, "description", &mut details);
    let ordering = choice_field(&body, "ordering", ORDERINGS, &mut details);
    let consumer_mode = choice_field(&body, "consumer_mode", CONSUMER_MODES, &mut details);
    let max_retries = count_field(&body, "max_retries", 100, &mut details);
    let visibility_timeout_s = count_field(&body, "visibility_timeout_s", u64::MAX, &mut details);
    let Some(slug) = slug.filter(|_| details.is_empty()) else {
        return Err(ApiError::validation(details));
    };

    let mut inner = shared.lock();
    let id = inner.new_id("q");
    let scope = find_scope(&mut inner.scopes, &caller.tenant_id, &scope_id)?;
    if scope.queues.iter().any(|q| q.slug == slug) {
        return Err(ApiError::slug_conflict("queue in this scope", &slug));
    }
    let queue = Queue {
        id,
        scope_id: scope.id.clone(),
        display_name: display_name.unwrap_or_else(|| slug.clone()),
        slug,
        description,
        ordering: ordering.unwrap_or_else(|| "fifo".to_owned()),
        consumer_mode: consumer_mode.unwrap_or_else(|| "competing".to_owned()),
        max_retries: max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
        visibility_timeout_s: visibility_timeout_s.unwrap_or(DEFAULT_VISIBILITY_TIMEOUT_S),
        status: "active",
    };
    let answer = to_json(&queue);
    scope.queues.push(queue);
    Ok(envelope::created(answer))
}

/// The caller's tenant's scope `scope_id`; another tenant's scope is as unknown as a missing one.
fn find_scope<'a>(
    scopes: &'a mut std::collections::HashMap<String, Vec<Scope>>,
    tenant_id: &str,
    scope_id: &str,
) -> Result<&'a mut Scope, ApiError> {
    scopes
        .get_mut(tenant_id)
        .and_then(|s| s.iter_mut().find(|s| s.id == scope_id))
        .ok_or_else(|| ApiError::not_found(format!("no scope '{scope_id}' in this tenant")))
}

fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn invalid(details: &mut Vec<FieldError>, field: &str, message: impl Into<String>) {
    details.push(FieldError { field: field.to_owned(), message: message.into() });
}

/// A required slug: 1–64 characters of `a-z`, `0-9`, `-`, `_`, starting with a letter or digit
/// (a leading `_` is reserved for system queues).
fn slug_field(body: &Map<String, Value>, details: &mut Vec<FieldError>) -> Option<String> {
    let Some(value) = body.get("slug") else {
        invalid(details, "slug", "required");
        return None;
    };
    let Some(slug) = value.as_str() else {
        invalid(details, "slug", "must be a string");
        return None;
    };
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_';
    let starts_well = slug.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit());
    if slug.len() > 64 || !starts_well || !slug.chars().all(allowed) {
        invalid(
            details,
            "slug",
            "must be 1-64 characters of a-z, 0-9, '-' or '_', starting with a letter or digit",
        );
        return None;
    }
    Some(slug.to_owned())
}

fn string_field(
    body: &Map<String, Value>,
    field: &str,
    details: &mut Vec<FieldError>,
) -> Option<String> {
    match body.get(field) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            invalid(details, field, "must be a string");
            None
        }
    }
}

fn choice_field(
    body: &Map<String, Value>,
    field: &str,
    choices: &[&str],
    details: &mut Vec<FieldError>,
) -> Option<String> {
    let value = string_field(body, field, details)?;
    if choices.contains(&value.as_str()) {
        Some(value)
    } else {
        invalid(details, field, format!("must be one of {}", choices.join(", ")));
        None
    }
}

fn count_field(
    body: &Map<String, Value>,
    field: &str,
    max: u64,
    details: &mut Vec<FieldError>,
) -> Option<u64> {
    match body.get(field) {
        None | Some(Value::Null) => None,
        Some(value) => match value.as_u64().filter(|n| *n <= max) {
            Some(n) => Some(n),
            None => {
                invalid(details, field, format!("must be an integer from 0 to {max}"));
                None
            }
        },
    }
}
