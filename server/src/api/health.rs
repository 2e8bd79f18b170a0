//! `GET /healthz`: whether the database and the object store answer, and how fast.

use std::future::Future;
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

use crate::state::AppState;
use crate::storage::objects;

/// A check that takes longer than this counts as failed: a probe must not hang.
const CHECK_TIMEOUT: Duration = Duration::from_secs(3);

/// The health report; `status` is `ok` only when every check is.
#[derive(Debug, Serialize)]
pub struct Health {
    pub status: Status,
    pub version: &'static str,
    pub checks: Checks,
}

#[derive(Debug, Serialize)]
pub struct Checks {
    pub database: Check,
    pub object_store: Check,
}

#[derive(Debug, Serialize)]
pub struct Check {
    pub status: Status,
    pub backend: &'static str,
    pub latency_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Error,
}

/// 200 with the report when everything answers, 503 with the same report otherwise.
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let (database, object_store) = tokio::join!(
        check(state.db.backend(), state.db.ping()),
        check(state.config.object_store.backend(), objects::ping(state.objects.as_ref())),
    );
    let healthy = database.status == Status::Ok && object_store.status == Status::Ok;
    let status = if healthy { Status::Ok } else { Status::Error };
    let code = if healthy { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    if !healthy {
        tracing::warn!(?database, ?object_store, "health check failed");
    }
    let report = Health {
        status,
        version: env!("CARGO_PKG_VERSION"),
        checks: Checks { database, object_store },
    };
    (code, Json(report))
}

async fn check<E: std::fmt::Display>(
    backend: &'static str,
    probe: impl Future<Output = Result<(), E>>,
) -> Check {
    let started = Instant::now();
    let outcome = tokio::time::timeout(CHECK_TIMEOUT, probe).await;
    let latency_ms = (started.elapsed().as_secs_f64() * 1000.0 * 100.0).round() / 100.0;
    let error = match outcome {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(e.to_string()),
        Err(_) => Some(format!("no answer within {} s", CHECK_TIMEOUT.as_secs())),
    };
    Check {
        status: if error.is_none() { Status::Ok } else { Status::Error },
        backend,
        latency_ms,
        error,
    }
}
