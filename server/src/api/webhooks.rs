//! `POST /api/v1/webhooks/scaikey`: hands a ScaiKey delivery's signature headers and raw body
//! to the webhooks service, which checks and applies it.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use serde_json::{Value, json};

use crate::api::error::{ApiError, ErrorBody};
use crate::state::AppState;
use crate::webhooks::{Mirror, Signed, receive};

/// Receives a ScaiKey event: `{"handled": true}` once applied (or already applied),
/// `{"handled": false}` for event types the mirror does not follow (so ScaiKey stops retrying).
#[utoipa::path(post, path = "/webhooks/scaikey", tag = "auth",
    request_body(content = Object, description = "A ScaiKey event, signed in X-ScaiKey-Signature"),
    responses((status = 200, description = "`{handled}`"), (status = 400, body = ErrorBody),
        (status = 500, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn scaikey(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let signed = Signed {
        signature: header("x-scaikey-signature"),
        timestamp: header("x-scaikey-timestamp"),
    };
    let mirror = Mirror {
        db: &state.db,
        super_admin_groups: &state.config.super_admin_groups,
        sync: &state.mirror_sync,
    };
    let handled = receive(mirror, state.config.webhook_secret.as_deref(), signed, &body).await?;
    Ok(Json(json!({"handled": handled})))
}
