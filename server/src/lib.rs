//! ScaiFlow's server: the axum router with the server-rendered editor, `/healthz` and the REST
//! API, plus the configuration, storage and logging it is wired from.
//!
//! `main.rs` only turns configuration into state and state into a listening router
//! (`site::router`); everything testable lives here so router tests drive the real thing
//! in-process. This root only declares the modules: it imports none of them, so the layers
//! below never reach back up through it.

pub mod admin;
pub mod api;
pub mod caller;
pub mod clock;
pub mod config;
pub mod flows;
pub mod grid;
pub mod oidc;
pub mod people;
pub mod problem;
pub mod render;
pub mod scaikey_admin;
pub mod secrets;
pub mod site;
pub mod state;
pub mod storage;
pub mod sync;
pub mod telemetry;
pub mod webhooks;
