//! Running Cores: `invoke`, the runtime events it leaves, and the checkpoints a run stops at
//! (listed, and resolved to resume the run).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::store::{Checkpoint, Event, Store};
use super::{limit, page, paged};
use crate::clock;
use crate::envelope::{self, ApiError, FieldError};
use crate::state::{Inner, Shared};
use executor::{Emitted, Execution, Outcome, expr};
use wire::runtime::{CheckpointStatus, EventKind, EventPage, RuntimeEvent};

pub(crate) const CHECKPOINT_PENDING: &str = "scaicore.checkpoint_pending";
pub(crate) const CHECKPOINT_RESOLVED: &str = "scaicore.checkpoint_resolved";
const CURSOR_PREFIX: &str = "evc_";

impl Store {
    fn record(&mut self, tenant_id: &str, core_id: &str, emitted: Vec<Emitted>) {
        let timestamp = clock::now();
        for Emitted { kind, payload } in emitted {
            let seq = self.events.last().map_or(1, |e| e.seq + 1);
            let payload = match payload {
                Value::Object(fields) => fields,
                other => serde_json::Map::from_iter([("value".to_owned(), other)]),
            };
            self.events.push(Event {
                seq,
                tenant_id: tenant_id.to_owned(),
                event: RuntimeEvent {
                    kind: EventKind::parse(kind),
                    core_id: core_id.to_owned(),
                    timestamp: timestamp.clone(),
                    payload,
                    extra: serde_json::Map::new(),
                },
            });
        }
    }
}

/// Records a run's events and its outcome (a suspended run becomes a pending checkpoint) and
/// returns the execution as the API shows it.
fn settle(
    inner: &mut Inner,
    tenant_id: &str,
    core_id: &str,
    execution: Execution,
    outcome: Outcome,
    emitted: Vec<Emitted>,
) -> Value {
    inner.scaicore.record(tenant_id, core_id, emitted);
    let mut answer = json!({"execution_id": execution.id, "core_id": core_id});
    match outcome {
        Outcome::Completed(output) => {
            answer["status"] = json!("completed");
            answer["output"] = output;
        }
        Outcome::Failed(failure) => {
            answer["status"] = json!("failed");
            answer["error"] = json!({"message": failure.message});
            if let Some(node_id) = failure.node_id {
                answer["error"]["node_id"] = json!(node_id);
            }
        }
        Outcome::Suspended(pending) => {
            let id = inner.new_uuid();
            let store = &mut inner.scaicore;
            let event = Emitted {
                kind: CHECKPOINT_PENDING,
                payload: json!({
                    "execution_id": execution.id,
                    "checkpoint_id": id,
                    "node_id": pending.node_id,
                    "checkpoint_type": pending.checkpoint_type,
                }),
            };
            store.record(tenant_id, core_id, vec![event]);
            store.checkpoints.push(Checkpoint {
                id: id.clone(),
                core_id: core_id.to_owned(),
                tenant_id: tenant_id.to_owned(),
                execution_id: execution.id.clone(),
                pending,
                status: CheckpointStatus::Pending,
                created_at: clock::now(),
                resolution: Value::Null,
                resolved_by: None,
                resolved_at: None,
                comment: None,
            });
            answer["status"] = json!("suspended");
            answer["checkpoint_id"] = json!(id);
            store.suspended.insert(id, execution);
        }
    }
    answer
}

pub(super) async fn invoke(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(core_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let caller = shared.authorize(&headers, "scaicore:manage")?;
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::Map::new()
    } else {
        envelope::object_body(&body)?
    };
    let input = match body.get("input") {
        None | Some(Value::Null) => json!({}),
        Some(input @ Value::Object(_)) => input.clone(),
        Some(_) => return Err(ApiError::field("input", "must be an object")),
    };
    let flow = match body.get("flow") {
        None | Some(Value::Null) => None,
        Some(Value::String(flow)) => Some(flow.clone()),
        Some(_) => return Err(ApiError::field("flow", "must be a flow name")),
    };

    let mut inner = shared.lock();
    let manifest = inner.scaicore.core(&caller.tenant_id, &core_id)?.manifest.clone();
    let id = inner.new_id("exec");
    let mut execution =
        Execution::new(manifest.as_ref(), flow.as_deref(), input, id, clock::now_ms)
            .map_err(|message| ApiError::field("flow", message))?;
    let mut emitted = Vec::new();
    let outcome = execution.start(&mut emitted);
    let answer = settle(&mut inner, &caller.tenant_id, &core_id, execution, outcome, emitted);
    Ok(envelope::data(answer))
}

pub(super) async fn list_events(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let caller = shared.authorize(&headers, "scaicore:view")?;
    let limit = limit(&params)?;
    let after = match params.get("cursor") {
        None => 0,
        Some(cursor) => cursor
            .strip_prefix(CURSOR_PREFIX)
            .and_then(|n| n.parse::<u64>().ok())
            .ok_or_else(|| ApiError::field("cursor", "not a cursor this endpoint returned"))?,
    };
    let inner = shared.lock();
    let store = &inner.scaicore;
    let core_id = params.get("core_id");
    if let Some(core_id) = core_id {
        store.core(&caller.tenant_id, core_id)?;
    }
    let events: Vec<&Event> = store
        .events
        .iter()
        .filter(|e| e.seq > after && e.tenant_id == caller.tenant_id)
        .filter(|e| core_id.is_none_or(|id| e.event.core_id == *id))
        .take(limit)
        .collect();
    let position = events.last().map_or(after, |e| e.seq);
    let page = EventPage {
        events: events.into_iter().map(|e| e.event.clone()).collect(),
        next_cursor: Some(format!("{CURSOR_PREFIX}{position}")),
    };
    Ok(envelope::data(json!(page)))
}

pub(super) async fn list_checkpoints(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let caller = shared.authorize(&headers, "scaicore:view")?;
    let (limit, offset) = page(&params)?;
    let status = params.get("status").map_or("pending", String::as_str);
    let Some(status) = CheckpointStatus::parse(status) else {
        let names: Vec<&str> = CheckpointStatus::ALL.iter().map(|s| s.as_str()).collect();
        return Err(ApiError::field("status", format!("must be one of {}", names.join(", "))));
    };
    let inner = shared.lock();
    let store = &inner.scaicore;
    let core_id = params.get("core_id");
    if let Some(core_id) = core_id {
        store.core(&caller.tenant_id, core_id)?;
    }
    let checkpoints: Vec<Value> = store
        .checkpoints
        .iter()
        .filter(|c| c.tenant_id == caller.tenant_id && c.status == status)
        .filter(|c| core_id.is_none_or(|id| c.core_id == *id))
        .map(Checkpoint::json)
        .collect();
    Ok(paged(checkpoints, limit, offset))
}

pub(super) async fn resolve(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(checkpoint_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let caller = shared.authorize(&headers, "scaicore:checkpoint_resolve")?;
    let body = envelope::object_body(&body)?;
    let mut details = Vec::new();
    let resolution = body.get("resolution").filter(|r| !r.is_null()).cloned();
    if resolution.is_none() {
        details.push(FieldError { field: "resolution".to_owned(), message: "required".to_owned() });
    }
    let mut text = |key: &str| match body.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            let message = "must be a string".to_owned();
            details.push(FieldError { field: key.to_owned(), message });
            None
        }
    };
    let comment = text("comment");
    let resolved_by = text("resolved_by");
    let Some(resolution) = resolution.filter(|_| details.is_empty()) else {
        return Err(ApiError::validation(details));
    };

    let mut inner = shared.lock();
    let store = &mut inner.scaicore;
    let checkpoint = store
        .checkpoints
        .iter_mut()
        .find(|c| c.id == checkpoint_id && c.tenant_id == caller.tenant_id)
        .ok_or_else(|| {
            ApiError::not_found(format!("no checkpoint '{checkpoint_id}' in this tenant"))
        })?;
    if checkpoint.status != CheckpointStatus::Pending {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "CHECKPOINT_NOT_PENDING",
            format!("checkpoint '{checkpoint_id}' is {}, not pending", checkpoint.status.as_str()),
        ));
    }
    if !checkpoint.accepts(&resolution) {
        let options: Vec<String> =
            checkpoint.pending.options.iter().flatten().map(expr::display).collect();
        let message = format!("resolution must be one of: {}", options.join(", "));
        let detail = FieldError { field: "resolution".to_owned(), message: message.clone() };
        return Err(ApiError::invalid(message, vec![detail]));
    }
    checkpoint.status = CheckpointStatus::Resolved;
    checkpoint.resolution = resolution.clone();
    checkpoint.resolved_by = Some(resolved_by.unwrap_or_else(|| "api_key".to_owned()));
    checkpoint.resolved_at = Some(clock::now());
    checkpoint.comment = comment;
    let answer_checkpoint = checkpoint.json();
    let core_id = checkpoint.core_id.clone();
    let execution_id = checkpoint.execution_id.clone();
    let event = Emitted {
        kind: CHECKPOINT_RESOLVED,
        payload: json!({
            "execution_id": execution_id,
            "checkpoint_id": checkpoint_id,
            "node_id": checkpoint.pending.node_id,
            "resolution": resolution,
            "resolved_by": checkpoint.resolved_by,
        }),
    };
    store.record(&caller.tenant_id, &core_id, vec![event]);

    let execution = match store.suspended.remove(&checkpoint_id) {
        Some(mut execution) => {
            let mut emitted = Vec::new();
            let outcome = execution.resume(resolution, &mut emitted);
            settle(&mut inner, &caller.tenant_id, &core_id, execution, outcome, emitted)
        }
        None => json!({
            "execution_id": execution_id,
            "core_id": core_id,
            "status": "failed",
            "error": {"message": "the suspended execution is no longer held"},
        }),
    };
    Ok(envelope::data(json!({"checkpoint": answer_checkpoint, "execution": execution})))
}
