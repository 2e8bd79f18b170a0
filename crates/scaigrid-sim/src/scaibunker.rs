//! `GET /v1/modules/scaibunker/bunkers`: the seeded bunkers of the caller's tenant.
//!
//! Cursor-paged as platform contract §6 describes: `limit` (default 50, 1–200) and `cursor`,
//! answering `{"data": [...], "has_more": bool, "next_cursor": string|null}`. The cursor is an
//! opaque string (an offset in the stand-in). `status` and `lifecycle` filter the list.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::envelope::{ApiError, FieldError};
use crate::state::Shared;

const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 200;

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new().route("/bunkers", axum::routing::get(list))
}

#[derive(Debug, Deserialize)]
struct Params {
    limit: Option<usize>,
    cursor: Option<String>,
    status: Option<String>,
    lifecycle: Option<String>,
}

async fn list(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let caller = shared.authorize(&headers, "scaibunker:view")?;
    let limit = params.limit.unwrap_or(DEFAULT_LIMIT);
    let mut details = Vec::new();
    if !(1..=MAX_LIMIT).contains(&limit) {
        details.push(FieldError {
            field: "limit".to_owned(),
            message: format!("must be from 1 to {MAX_LIMIT}"),
        });
    }
    let start = match params.cursor.as_deref() {
        None => 0,
        Some(cursor) => {
            cursor.strip_prefix("off_").and_then(|n| n.parse().ok()).unwrap_or_else(|| {
                details.push(FieldError {
                    field: "cursor".to_owned(),
                    message: "not a cursor this endpoint returned".to_owned(),
                });
                0
            })
        }
    };
    if !details.is_empty() {
        return Err(ApiError::validation(details));
    }

    let field_is = |bunker: &Value, field: &str, wanted: &Option<String>| {
        wanted.as_deref().is_none_or(|w| bunker.get(field).and_then(Value::as_str) == Some(w))
    };
    let visible: Vec<&Value> = shared
        .bunkers
        .iter()
        .filter(|b| {
            b.get("tenant_id").and_then(Value::as_str).is_none_or(|t| t == caller.tenant_id)
        })
        .filter(|b| field_is(b, "status", &params.status))
        .filter(|b| field_is(b, "lifecycle_mode", &params.lifecycle))
        .collect();
    let page: Vec<&Value> = visible.iter().skip(start).take(limit).copied().collect();
    let end = start + page.len();
    let has_more = end < visible.len();
    let next_cursor = has_more.then(|| format!("off_{end}"));
    Ok(axum::Json(json!({"data": page, "has_more": has_more, "next_cursor": next_cursor}))
        .into_response())
}
