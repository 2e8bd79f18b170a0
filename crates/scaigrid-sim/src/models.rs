//! `GET /v1/models`: the seeded catalogue in the configured [`ModelsStyle`], followed by the
//! caller's tenant's published Cores.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::ModelsStyle;
use crate::envelope::{self, ApiError};
use crate::state::Shared;

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new().route("/v1/models", axum::routing::get(list))
}

/// The filters of platform contract §8.1; `limit`/`cursor` are accepted and ignored because
/// the seeded catalogue is always one page.
#[derive(Debug, Deserialize)]
struct Filter {
    modality: Option<String>,
    status: Option<String>,
}

async fn list(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(filter): Query<Filter>,
) -> Result<Response, ApiError> {
    let caller = shared.authorize(&headers, "models:list")?;
    let published = shared.lock().scaicore.published_models(&caller.tenant_id);
    let matches = |model: &&Value, field: &str, wanted: &Option<String>| {
        wanted.as_deref().is_none_or(|w| model.get(field).and_then(Value::as_str) == Some(w))
    };
    let models: Vec<Value> = shared
        .models
        .iter()
        .chain(&published)
        .filter(|m| {
            matches(m, "modality", &filter.modality) && matches(m, "status", &filter.status)
        })
        .cloned()
        .collect();
    Ok(match shared.models_style {
        ModelsStyle::Native => envelope::data(Value::Array(models)),
        ModelsStyle::Items => {
            axum::Json(json!({"status": "ok", "data": {"items": models}})).into_response()
        }
        ModelsStyle::OpenAi => {
            let data: Vec<Value> = models.into_iter().map(openai_model).collect();
            axum::Json(json!({"object": "list", "data": data})).into_response()
        }
    })
}

/// OpenAI's model object (`id`, `object`, `created`, `owned_by`) followed by ScaiGrid's fields,
/// as ScaiGrid's OpenAI layer adds `context_window` and `max_output_tokens`.
fn openai_model(model: Value) -> Value {
    let slug = model.get("slug").cloned().unwrap_or(Value::Null);
    let owner = slug.as_str().and_then(|s| s.split('/').next()).unwrap_or("scaigrid").to_owned();
    let mut out = json!({"id": slug, "object": "model", "created": 0, "owned_by": owner});
    if let (Value::Object(out_map), Value::Object(fields)) = (&mut out, model) {
        for (key, value) in fields {
            out_map.entry(key).or_insert(value);
        }
    }
    out
}
