//! The ScaiCore module (platform contract §2), per tenant: Cores created from ScaiFlow's YAML
//! manifest or ScaiGrid's JSON, published as models, invoked with the stand-in's executor
//! ([`executor`]), their runtime events and their checkpoints.
//!
//! Where the contract leaves shapes open the stand-in chooses, and says so in the crate README:
//! a Core's `runtime_mode` is `api` until it is published (`model` after), its `status` is always
//! `running` (no lifecycle), list cursors are opaque offsets, the events cursor is the position
//! after the last event returned.

mod manifest;
mod runs;
pub(crate) mod store;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::clock;
use crate::envelope::{self, ApiError};
use crate::state::Shared;

use store::Core;

const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 500;
/// The metadata keys a publication writes; a replaced `metadata` keeps them.
const PUBLICATION_KEYS: &[&str] =
    &["published", "published_slug", "published_model_id", "published_backend_id", "group_ids"];

pub(crate) fn routes() -> Router<Arc<Shared>> {
    use axum::routing::{get, post};
    Router::new()
        .route("/cores", get(list_cores).post(create_core))
        .route("/cores/{core_id}", get(get_core).put(replace_core))
        .route("/cores/{core_id}/publish", post(publish))
        .route("/cores/{core_id}/sync", post(sync))
        .route("/cores/{core_id}/invoke", post(runs::invoke))
        .route("/events", get(runs::list_events))
        .route("/checkpoints", get(runs::list_checkpoints))
        .route("/checkpoints/{checkpoint_id}/resolve", post(runs::resolve))
}

/// `name` as a slug: lower-case letters and digits joined by single dashes.
fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() { "core".to_owned() } else { slug.to_owned() }
}

/// `limit` (1 to 500, default 50) and the offset an `off_N` cursor names.
fn page(params: &HashMap<String, String>) -> Result<(usize, usize), ApiError> {
    let limit = limit(params)?;
    let offset = match params.get("cursor") {
        None => 0,
        Some(cursor) => cursor
            .strip_prefix("off_")
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| ApiError::field("cursor", "not a cursor this endpoint returned"))?,
    };
    Ok((limit, offset))
}

fn limit(params: &HashMap<String, String>) -> Result<usize, ApiError> {
    match params.get("limit") {
        None => Ok(DEFAULT_LIMIT),
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| ApiError::field("limit", format!("must be from 1 to {MAX_LIMIT}"))),
    }
}

/// `{"data": page, "next_cursor": "off_N" | null}`.
fn paged(items: Vec<Value>, limit: usize, offset: usize) -> Response {
    let total = items.len();
    let page: Vec<Value> = items.into_iter().skip(offset).take(limit).collect();
    let end = offset + page.len();
    let next_cursor = (end < total).then(|| format!("off_{end}"));
    axum::Json(json!({"data": page, "next_cursor": next_cursor})).into_response()
}

async fn list_cores(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let caller = shared.authorize(&headers, "scaicore:view")?;
    let (limit, offset) = page(&params)?;
    let cores = shared.lock().scaicore.cores_json(&caller.tenant_id);
    Ok(paged(cores, limit, offset))
}

async fn get_core(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(core_id): Path<String>,
) -> Result<Response, ApiError> {
    let caller = shared.authorize(&headers, "scaicore:view")?;
    let inner = shared.lock();
    Ok(envelope::data(inner.scaicore.core(&caller.tenant_id, &core_id)?.json()))
}

async fn create_core(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let caller = shared.authorize(&headers, "scaicore:manage")?;
    let source = manifest::read(&headers, &body)?;
    let Some(name) = source.name.clone() else {
        return Err(ApiError::field("name", "required"));
    };
    let flows = source.flows();
    let mut metadata = source.metadata.unwrap_or_default();
    for key in PUBLICATION_KEYS {
        metadata.remove(*key);
    }
    metadata.insert("published".to_owned(), Value::Bool(false));

    let mut inner = shared.lock();
    let id = inner.new_id("core");
    let slug = inner.scaicore.unique_slug(&caller.tenant_id, &slugify(&name));
    let now = clock::now();
    let core = Core {
        id,
        tenant_id: caller.tenant_id,
        name,
        slug,
        runtime_mode: source.runtime_mode.unwrap_or_else(|| "api".to_owned()),
        concurrency_mode: source.concurrency_mode.unwrap_or_else(|| "stateless".to_owned()),
        metadata,
        manifest: source.manifest.flatten(),
        flows,
        created_at: now.clone(),
        updated_at: now,
    };
    let answer = core.json();
    inner.scaicore.cores.push(core);
    Ok(envelope::created(answer))
}

async fn replace_core(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(core_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let caller = shared.authorize(&headers, "scaicore:manage")?;
    let source = manifest::read(&headers, &body)?;
    let flows = source.flows();
    let mut inner = shared.lock();
    let core = inner.scaicore.core_mut(&caller.tenant_id, &core_id)?;
    if let Some(name) = source.name {
        core.name = name;
    }
    if let Some(mode) = source.runtime_mode {
        core.runtime_mode = mode;
    }
    if let Some(mode) = source.concurrency_mode {
        core.concurrency_mode = mode;
    }
    if let Some(mut metadata) = source.metadata {
        for key in PUBLICATION_KEYS {
            match core.metadata.get(*key) {
                Some(value) => metadata.insert((*key).to_owned(), value.clone()),
                None => metadata.remove(*key),
            };
        }
        core.metadata = metadata;
    }
    if let Some(manifest) = source.manifest {
        core.manifest = manifest;
        core.flows = flows;
    }
    core.updated_at = clock::now();
    Ok(envelope::data(core.json()))
}

/// The optional `group_ids` of a publish or sync body (an empty body is `{}`).
fn group_ids(body: &[u8]) -> Result<Option<Vec<Value>>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let body = envelope::object_body(body)?;
    match body.get("group_ids") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(ids)) if ids.iter().all(Value::is_string) => Ok(Some(ids.clone())),
        Some(_) => Err(ApiError::field("group_ids", "must be a list of model group ids")),
    }
}

async fn publish(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(core_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let caller = shared.authorize(&headers, "scaicore:manage")?;
    let group_ids = group_ids(&body)?;
    let mut inner = shared.lock();
    inner.scaicore.core(&caller.tenant_id, &core_id)?;
    let model_id = inner.new_id("fm");
    let backend_id = inner.new_id("bm");
    let core = inner.scaicore.core_mut(&caller.tenant_id, &core_id)?;
    if core.published() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "Core is already published as a model",
        ));
    }
    let slug = format!("scaicore/{}/{}", caller.tenant_slug, core.slug);
    let metadata = &mut core.metadata;
    metadata.insert("published".to_owned(), Value::Bool(true));
    metadata.insert("published_slug".to_owned(), Value::String(slug));
    metadata.insert("published_model_id".to_owned(), Value::String(model_id));
    metadata.insert("published_backend_id".to_owned(), Value::String(backend_id));
    metadata.insert("group_ids".to_owned(), Value::Array(group_ids.unwrap_or_default()));
    core.runtime_mode = "model".to_owned();
    core.updated_at = clock::now();
    Ok(envelope::data(core.json()))
}

async fn sync(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(core_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let caller = shared.authorize(&headers, "scaicore:manage")?;
    let group_ids = group_ids(&body)?;
    let mut inner = shared.lock();
    let core = inner.scaicore.core_mut(&caller.tenant_id, &core_id)?;
    if !core.published() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "Core is not published as a model; publish it first",
        ));
    }
    if let Some(ids) = group_ids {
        core.metadata.insert("group_ids".to_owned(), Value::Array(ids));
    }
    core.updated_at = clock::now();
    Ok(envelope::data(core.json()))
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn names_become_slugs() {
        assert_eq!(slugify("customer-support"), "customer-support");
        assert_eq!(slugify("Customer Support Agent!"), "customer-support-agent");
        assert_eq!(slugify("  --Ünïcode  "), "n-code");
        assert_eq!(slugify("***"), "core");
    }
}
