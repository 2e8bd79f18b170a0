//! `POST /api/v1/webhooks/scaikey`: reads a ScaiKey delivery's signature headers, has the
//! webhooks service check and apply it, and answers its refusals with their documented codes.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

use crate::api::error::{ApiError, ErrorBody};
use crate::clock::now_millis;
use crate::state::AppState;
use crate::webhooks::{Event, Mirror, Refusal, Signed, apply, verify};

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> ApiError {
        let (status, code) = match refusal {
            Refusal::NotConfigured => (StatusCode::SERVICE_UNAVAILABLE, "webhook_not_configured"),
            Refusal::BadBody => (StatusCode::BAD_REQUEST, "invalid_request"),
            _ => (StatusCode::BAD_REQUEST, "invalid_signature"),
        };
        ApiError::Detailed { status, code, message: refusal.to_string() }
    }
}

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
    let secret = state.config.webhook_secret.as_deref().ok_or(Refusal::NotConfigured)?;
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let signed = Signed {
        signature: header("x-scaikey-signature"),
        timestamp: header("x-scaikey-timestamp"),
    };
    if let Err(refusal) = verify(signed, &body, secret, now_millis() / 1000) {
        tracing::warn!(reason = %refusal, "ScaiKey webhook refused");
        return Err(refusal.into());
    }
    let event = serde_json::from_slice::<Value>(&body)
        .ok()
        .as_ref()
        .and_then(Event::read)
        .ok_or(Refusal::BadBody)?;
    let mirror = Mirror {
        db: &state.db,
        super_admin_groups: &state.config.super_admin_groups,
        sync: &state.mirror_sync,
    };
    match apply(mirror, &event).await {
        Ok(handled) => Ok(Json(json!({"handled": handled}))),
        Err(e) => {
            tracing::error!(error = %e, event = %event.kind, "ScaiKey webhook failed");
            Err(ApiError::Detailed {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                code: "internal_error",
                message: "the event could not be applied; the error is logged".to_owned(),
            })
        }
    }
}
