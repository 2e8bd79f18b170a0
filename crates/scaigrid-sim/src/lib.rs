//! A local stand-in for ScaiGrid, for tests and demos. It is not ScaiGrid.
//!
//! It answers the few ScaiGrid endpoints ScaiFlow calls with ScaiGrid's envelopes and error
//! codes (platform contract §1), keeps its data in memory per tenant, and can be told to fail
//! the next requests to a path so that clients' retry paths can be tested. Every response
//! carries `x-scaigrid-sim: test stand-in, not ScaiGrid`.
//!
//! Endpoints (see the README for shapes):
//! - `GET /health` (no auth)
//! - `GET /v1/models` (`models:list`; the seeded catalogue plus the tenant's published Cores)
//! - `GET|POST /v1/modules/scaiqueue/scopes`, `GET /v1/modules/scaiqueue/scopes/{scope_id}`,
//!   `GET|POST /v1/modules/scaiqueue/scopes/{scope_id}/queues` (`scaiqueue:view` / `scaiqueue:manage`)
//! - `GET /v1/modules/scaibunker/bunkers` (`scaibunker:view`)
//! - ScaiCore, under `/v1/modules/scaicore`: `GET|POST /cores`, `GET|PUT /cores/{core_id}`,
//!   `POST /cores/{core_id}/publish`, `POST /cores/{core_id}/sync`, `POST /cores/{core_id}/invoke`
//!   (`scaicore:view` / `scaicore:manage`), `GET /events`, `GET /checkpoints` (`scaicore:view`),
//!   `POST /checkpoints/{checkpoint_id}/resolve` (`scaicore:checkpoint_resolve`)
//!
//! A Core is created from ScaiFlow's YAML manifest (`Content-Type: application/yaml`) or
//! ScaiGrid's JSON body. The stand-in's verifier checks only the manifest's shape, and
//! `invoke` runs it with the stand-in's own executor: no model, plugin or other Core is called;
//! LLM blocks answer deterministic stubs (or scripted answers from the input's
//! `_sim.answers.<node_id>`), checkpoints suspend the run until they are resolved. None of it is
//! ScaiCore: it emits ScaiCore's runtime events so that ScaiFlow's live view can be tested.

mod clock;
mod envelope;
mod fault;
mod frame;
mod models;
mod scaibunker;
mod scaicore;
mod scaiqueue;
mod state;

use std::sync::Arc;

use axum::Router;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use fault::Fault;

/// The demo key's token, printed by the binary and accepted by [`SimConfig::demo`].
pub const DEMO_KEY: &str = "sgk_sim_demo_key_0000000000000000000000";

/// Every permission the stand-in checks; [`SimConfig::demo`]'s key holds all of them.
pub const ALL_PERMISSIONS: &[&str] = &[
    "models:list",
    "models:use",
    "scaiqueue:view",
    "scaiqueue:publish",
    "scaiqueue:consume",
    "scaiqueue:manage",
    "scaibunker:view",
    "scaibunker:create",
    "scaicore:view",
    "scaicore:manage",
    "scaicore:checkpoint_resolve",
];

/// What the stand-in starts with: its keys and seed data.
#[derive(Debug, Clone)]
pub struct SimConfig {
    pub keys: Vec<SimKey>,
    pub models_style: ModelsStyle,
    /// The model catalogue, shared by every tenant (ScaiGrid's catalogue is platform-wide).
    /// Objects with at least `slug`; see [`SimConfig::demo`] for the usual fields.
    pub models: Vec<Value>,
    /// Seed bunkers. One with a `tenant_id` field belongs to that tenant only; one without it
    /// is listed for every tenant.
    pub bunkers: Vec<Value>,
}

/// An API key (or any bearer token) the stand-in accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimKey {
    /// The bearer token, e.g. `sgk_...`; any string is accepted.
    pub token: String,
    pub tenant_id: String,
    pub tenant_slug: String,
    /// Permission keys such as `scaiqueue:manage`; see [`ALL_PERMISSIONS`].
    pub permissions: Vec<String>,
}

/// The envelope `GET /v1/models` answers in; ScaiFlow's proxy must accept more than one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ModelsStyle {
    /// `{"data": [model, ...]}`.
    #[default]
    Native,
    /// `{"status": "ok", "data": {"items": [model, ...]}}`, the shape of ScaiGrid's reference
    /// example.
    Items,
    /// `{"object": "list", "data": [{"id": slug, "object": "model", ...model}]}`, as OpenAI's
    /// `GET /models` does.
    OpenAi,
}

impl SimKey {
    pub fn new(token: &str, tenant_id: &str, tenant_slug: &str, permissions: &[&str]) -> SimKey {
        SimKey {
            token: token.to_owned(),
            tenant_id: tenant_id.to_owned(),
            tenant_slug: tenant_slug.to_owned(),
            permissions: permissions.iter().map(|p| (*p).to_owned()).collect(),
        }
    }
}

impl SimConfig {
    /// One key ([`DEMO_KEY`], tenant `demo`, every permission), three models and one bunker.
    pub fn demo() -> SimConfig {
        SimConfig {
            keys: vec![SimKey::new(DEMO_KEY, "tnt_sim_demo", "demo", ALL_PERMISSIONS)],
            models_style: ModelsStyle::Native,
            models: vec![
                model("scailabs/poolnoodle-omni", "Poolnoodle Omni", "chat", 256_000, 32_768),
                model("openai/gpt-4o", "GPT-4o", "chat", 128_000, 16_384),
                model("scailabs/embed-small", "Embed Small", "embedding", 8_192, 0),
            ],
            bunkers: vec![json!({
                "id": "bnk_sim_demo",
                "tenant_id": "tnt_sim_demo",
                "name": "demo-python",
                "image": "python-3.12",
                "lifecycle_mode": "session",
                "network_profile": "isolated",
                "status": "running",
                "cpu_millicores": 1000,
                "memory_mb": 512,
                "disk_mb": 1024,
                "gpu_count": 0,
            })],
        }
    }
}

/// A model object with the fields ScaiGrid's `GET /v1/models` shows.
pub fn model(
    slug: &str,
    display_name: &str,
    modality: &str,
    context_window: u64,
    max_output_tokens: u64,
) -> Value {
    json!({
        "slug": slug,
        "display_name": display_name,
        "modality": modality,
        "context_window": context_window,
        "max_output_tokens": max_output_tokens,
        "status": "active",
        "health_status": "healthy",
        "active_backend_count": 1,
        "total_backend_count": 1,
    })
}

/// A handle on a stand-in's state for tests: fault injection, request counts and what the
/// ScaiCore module holds. Cheap to clone.
#[derive(Clone)]
pub struct SimControl {
    shared: Arc<state::Shared>,
}

impl SimControl {
    /// Makes the next `count` requests whose path starts with `path_prefix` answer `fault`
    /// instead of being served (before authentication, so any key or none gets it). Rules
    /// added earlier are used up first.
    pub fn fail_next(&self, path_prefix: &str, fault: Fault, count: u32) {
        self.shared.add_fault(path_prefix, fault, count);
    }

    /// How many requests arrived for exactly `path` (no query string), failed ones included.
    pub fn hits(&self, path: &str) -> u64 {
        self.shared.hits(path)
    }

    /// The tenant's Cores, oldest first, as `GET /v1/modules/scaicore/cores/{id}` shows them
    /// (so a test can assert that no Core was created).
    pub fn cores(&self, tenant_id: &str) -> Vec<Value> {
        self.shared.lock().scaicore.cores_json(tenant_id)
    }

    /// The tenant's ScaiCore events, oldest first, as `GET /v1/modules/scaicore/events` shows them.
    pub fn events(&self, tenant_id: &str) -> Vec<Value> {
        self.shared.lock().scaicore.events_json(tenant_id)
    }

    /// The tenant's checkpoints of every status, oldest first.
    pub fn checkpoints(&self, tenant_id: &str) -> Vec<Value> {
        self.shared.lock().scaicore.checkpoints_json(tenant_id)
    }
}

/// A stand-in serving on a loopback port; the server stops when this is dropped.
pub struct Running {
    /// Base URL without a trailing slash, e.g. `http://127.0.0.1:40123`.
    pub url: String,
    control: SimControl,
    handle: JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// See [`SimControl::fail_next`].
    pub fn fail_next(&self, path_prefix: &str, fault: Fault, count: u32) {
        self.control.fail_next(path_prefix, fault, count);
    }

    /// See [`SimControl::hits`].
    pub fn hits(&self, path: &str) -> u64 {
        self.control.hits(path)
    }

    /// See [`SimControl::cores`].
    pub fn cores(&self, tenant_id: &str) -> Vec<Value> {
        self.control.cores(tenant_id)
    }

    pub fn control(&self) -> SimControl {
        self.control.clone()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

/// The stand-in's router with its own in-memory state.
pub fn router(config: SimConfig) -> Router {
    router_with_control(config).0
}

/// Like [`router`], also returning the control handle (for in-process tests of retries).
pub fn router_with_control(config: SimConfig) -> (Router, SimControl) {
    let shared = Arc::new(state::Shared::new(config));
    let router = Router::new()
        .route("/health", axum::routing::get(health))
        .merge(models::routes())
        .nest("/v1/modules/scaiqueue", scaiqueue::routes())
        .nest("/v1/modules/scaibunker", scaibunker::routes())
        .nest("/v1/modules/scaicore", scaicore::routes())
        .fallback(envelope::not_found)
        .method_not_allowed_fallback(envelope::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(shared.clone(), frame::frame))
        .with_state(shared.clone());
    (router, SimControl { shared })
}

/// Serves the stand-in on `listener` until the task is dropped or the listener fails.
pub async fn serve(listener: TcpListener, config: SimConfig) -> std::io::Result<()> {
    axum::serve(listener, router(config)).await
}

/// Binds `127.0.0.1:0`, serves the stand-in on a spawned task and returns its URL.
pub async fn start(config: SimConfig) -> std::io::Result<Running> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let url = format!("http://{}", listener.local_addr()?);
    let (router, control) = router_with_control(config);
    let handle = tokio::spawn(async move { axum::serve(listener, router).await });
    tracing::debug!(%url, "scaigrid-sim started");
    Ok(Running { url, control, handle })
}

async fn health() -> axum::Json<Value> {
    axum::Json(json!({"status": "ok", "data": {"status": "healthy"}}))
}
