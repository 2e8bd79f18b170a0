//! The ScaiCore module's data: Cores, their runtime events and checkpoints, and the executions
//! suspended at a checkpoint, every tenant's (each row names its tenant).

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use crate::envelope::ApiError;
use executor::{Execution, Pending, expr};
use wire::runtime::{CheckpointStatus, RuntimeEvent};

/// The module's data, inside the stand-in's state.
#[derive(Default)]
pub(crate) struct Store {
    pub(super) cores: Vec<Core>,
    pub(super) events: Vec<Event>,
    pub(super) checkpoints: Vec<Checkpoint>,
    /// Suspended executions by the id of the checkpoint they wait at.
    pub(super) suspended: HashMap<String, Execution>,
}

pub(super) struct Core {
    pub(super) id: String,
    pub(super) tenant_id: String,
    pub(super) name: String,
    pub(super) slug: String,
    pub(super) runtime_mode: String,
    pub(super) concurrency_mode: String,
    pub(super) metadata: Map<String, Value>,
    /// The whole manifest document (with `core`), if the source was one.
    pub(super) manifest: Option<Value>,
    pub(super) flows: Vec<String>,
    pub(super) created_at: String,
    pub(super) updated_at: String,
}

impl Core {
    pub(super) fn json(&self) -> Value {
        json!({
            "id": self.id,
            "tenant_id": self.tenant_id,
            "name": self.name,
            "slug": self.slug,
            "runtime_mode": self.runtime_mode,
            "concurrency_mode": self.concurrency_mode,
            "status": "running",
            "metadata": self.metadata,
            "flows": self.flows,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        })
    }

    pub(super) fn published(&self) -> bool {
        self.metadata.get("published") == Some(&Value::Bool(true))
    }
}

impl Store {
    /// The tenant's Cores as the API shows them.
    pub fn cores_json(&self, tenant_id: &str) -> Vec<Value> {
        self.cores.iter().filter(|c| c.tenant_id == tenant_id).map(Core::json).collect()
    }

    /// The tenant's events, oldest first.
    pub fn events_json(&self, tenant_id: &str) -> Vec<Value> {
        self.events.iter().filter(|e| e.tenant_id == tenant_id).map(|e| json!(e.event)).collect()
    }

    /// The tenant's checkpoints, oldest first.
    pub fn checkpoints_json(&self, tenant_id: &str) -> Vec<Value> {
        self.checkpoints.iter().filter(|c| c.tenant_id == tenant_id).map(Checkpoint::json).collect()
    }

    /// The tenant's published Cores as entries of `GET /v1/models`.
    pub fn published_models(&self, tenant_id: &str) -> Vec<Value> {
        let published = self.cores.iter().filter(|c| c.tenant_id == tenant_id && c.published());
        published
            .map(|core| {
                let slug = core.metadata["published_slug"].as_str().unwrap_or(&core.slug);
                let mut model = crate::model(slug, &core.name, "chat", 128_000, 4_096);
                model["provider_type"] = json!("scaicore");
                model["core_id"] = json!(core.id);
                model["capabilities"] = json!({"tool_use": true, "streaming": false});
                model
            })
            .collect()
    }

    pub(super) fn core(&self, tenant_id: &str, core_id: &str) -> Result<&Core, ApiError> {
        self.cores
            .iter()
            .find(|c| c.id == core_id && c.tenant_id == tenant_id)
            .ok_or_else(|| no_core(core_id))
    }

    pub(super) fn core_mut(
        &mut self,
        tenant_id: &str,
        core_id: &str,
    ) -> Result<&mut Core, ApiError> {
        self.cores
            .iter_mut()
            .find(|c| c.id == core_id && c.tenant_id == tenant_id)
            .ok_or_else(|| no_core(core_id))
    }

    /// `base`, or `base-2`, `base-3`, ... whichever the tenant has not used yet.
    pub(super) fn unique_slug(&self, tenant_id: &str, base: &str) -> String {
        let taken =
            |slug: &str| self.cores.iter().any(|c| c.tenant_id == tenant_id && c.slug == slug);
        let mut slug = base.to_owned();
        let mut n = 1;
        while taken(&slug) {
            n += 1;
            slug = format!("{base}-{n}");
        }
        slug
    }
}

pub(super) fn no_core(core_id: &str) -> ApiError {
    ApiError::not_found(format!("no Core '{core_id}' in this tenant"))
}

/// One event as stored: its position, owner and the event the API shows.
pub(crate) struct Event {
    pub(super) seq: u64,
    pub tenant_id: String,
    pub event: RuntimeEvent,
}

/// A checkpoint row (platform contract §2.4).
pub(crate) struct Checkpoint {
    pub(super) id: String,
    pub(super) core_id: String,
    pub tenant_id: String,
    pub(super) execution_id: String,
    pub(super) pending: Pending,
    pub(super) status: CheckpointStatus,
    pub(super) created_at: String,
    pub(super) resolution: Value,
    pub(super) resolved_by: Option<String>,
    pub(super) resolved_at: Option<String>,
    pub(super) comment: Option<String>,
}

impl Checkpoint {
    pub fn json(&self) -> Value {
        let p = &self.pending;
        json!({
            "id": self.id,
            "core_id": self.core_id,
            "tenant_id": self.tenant_id,
            "execution_id": self.execution_id,
            "flow_name": p.flow_name,
            "block_index": p.block_index,
            "node_id": p.node_id,
            "checkpoint_type": p.checkpoint_type,
            "prompt": p.prompt,
            "options": p.options,
            "assignee_raw": p.assignee_raw,
            "context": p.context,
            "status": self.status,
            "priority": "normal",
            "created_at": self.created_at,
            "resolution": self.resolution,
            "resolved_by": self.resolved_by,
            "resolved_at": self.resolved_at,
            "comment": self.comment,
        })
    }

    /// Whether `resolution` is allowed: anything without options, else one of them (or an
    /// object whose `decision` or `id` is one).
    pub(super) fn accepts(&self, resolution: &Value) -> bool {
        let Some(options) = &self.pending.options else { return true };
        let chosen = [Some(resolution), resolution.get("decision"), resolution.get("id")];
        chosen.into_iter().flatten().any(|c| options.iter().any(|o| expr::equal(o, c)))
    }
}
