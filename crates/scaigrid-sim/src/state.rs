//! The stand-in's in-memory state: keys, seed data, per-tenant ScaiQueue and ScaiCore data,
//! counters, faults.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use axum::http::{HeaderMap, header};
use serde::Serialize;
use serde_json::Value;

use crate::envelope::ApiError;
use crate::fault::Fault;
use crate::{ModelsStyle, SimConfig, SimKey};

pub(crate) struct Shared {
    pub keys: Vec<SimKey>,
    pub models_style: ModelsStyle,
    pub models: Vec<Value>,
    pub bunkers: Vec<Value>,
    inner: Mutex<Inner>,
}

/// Everything that changes while serving. Never held across an `.await`.
#[derive(Default)]
pub(crate) struct Inner {
    next_id: u64,
    next_request: u64,
    hits: HashMap<String, u64>,
    faults: Vec<FaultRule>,
    /// ScaiQueue scopes by tenant id.
    pub scopes: HashMap<String, Vec<Scope>>,
    /// Cores, their runs, events and checkpoints (every tenant's; each row names its tenant).
    pub scaicore: crate::scaicore::store::Store,
}

struct FaultRule {
    path_prefix: String,
    fault: Fault,
    remaining: u32,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Scope {
    pub id: String,
    pub slug: String,
    pub display_name: String,
    pub description: Option<String>,
    pub status: &'static str,
    #[serde(skip)]
    pub queues: Vec<Queue>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Queue {
    pub id: String,
    pub scope_id: String,
    pub slug: String,
    pub display_name: String,
    pub description: Option<String>,
    pub ordering: String,
    pub consumer_mode: String,
    pub max_retries: u64,
    pub visibility_timeout_s: u64,
    pub status: &'static str,
}

/// The caller a valid key identifies.
pub(crate) struct Caller {
    pub tenant_id: String,
    pub tenant_slug: String,
}

impl Shared {
    pub fn new(config: SimConfig) -> Shared {
        Shared {
            keys: config.keys,
            models_style: config.models_style,
            models: config.models,
            bunkers: config.bunkers,
            inner: Mutex::new(Inner::default()),
        }
    }

    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain data behind, still usable for a stand-in.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Checks the bearer token and that its key holds `permission`.
    pub fn authorize(&self, headers: &HeaderMap, permission: &str) -> Result<Caller, ApiError> {
        let value = headers.get(header::AUTHORIZATION).ok_or_else(ApiError::token_missing)?;
        let value = value
            .to_str()
            .map_err(|_| ApiError::token_invalid("the Authorization header is not text"))?;
        let token = value.strip_prefix("Bearer ").map(str::trim).ok_or_else(|| {
            ApiError::token_invalid("the Authorization header must be 'Bearer <token>'")
        })?;
        let key = self
            .keys
            .iter()
            .find(|k| k.token == token)
            .ok_or_else(|| ApiError::token_invalid("unknown or revoked token"))?;
        if !key.permissions.iter().any(|p| p == permission) {
            return Err(ApiError::permission_denied(permission));
        }
        Ok(Caller { tenant_id: key.tenant_id.clone(), tenant_slug: key.tenant_slug.clone() })
    }

    /// Records a request to `path`; returns its request id and the fault to answer, if one is due.
    pub fn arrive(&self, path: &str) -> (String, Option<Fault>) {
        let mut inner = self.lock();
        inner.next_request += 1;
        let request_id = format!("req_sim_{:06}", inner.next_request);
        *inner.hits.entry(path.to_owned()).or_default() += 1;
        let fault = inner
            .faults
            .iter_mut()
            .find(|rule| rule.remaining > 0 && path.starts_with(&rule.path_prefix))
            .map(|rule| {
                rule.remaining -= 1;
                rule.fault
            });
        inner.faults.retain(|rule| rule.remaining > 0);
        (request_id, fault)
    }

    pub fn add_fault(&self, path_prefix: &str, fault: Fault, count: u32) {
        if count > 0 {
            let rule = FaultRule { path_prefix: path_prefix.to_owned(), fault, remaining: count };
            self.lock().faults.push(rule);
        }
    }

    pub fn hits(&self, path: &str) -> u64 {
        self.lock().hits.get(path).copied().unwrap_or(0)
    }
}

impl Inner {
    /// A fresh id such as `sc_00000000000a`; one counter for all kinds keeps ids unique.
    pub fn new_id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}_{:012x}", self.next_id)
    }

    /// A fresh id shaped like a UUID (ScaiGrid's checkpoint ids are UUIDs), from the same counter.
    pub fn new_uuid(&mut self) -> String {
        self.next_id += 1;
        format!("5c0de000-0000-4000-8000-{:012x}", self.next_id)
    }
}
