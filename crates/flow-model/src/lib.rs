//! FlowGraph schema v2: the wire model of a ScaiFlow flow document.
//!
//! This crate mirrors the JSON exactly (serde, versioned) and knows the closed set of node kinds
//! with their categories and canvas colours. It is pure: no IO beyond parsing bytes handed to it,
//! no async, no framework; it builds for `wasm32-unknown-unknown` so the browser canvas and the
//! server share it.

pub mod config;
pub mod flow_config;
pub mod form;
pub mod schema;

mod catalogue;
mod described;
mod examples;
mod graph;
mod kind;

pub use catalogue::PortSpec;
pub use config::{ConfigError, NodeConfig};
pub use examples::{EXAMPLES, Example, example};
pub use flow_config::{CoreIdentity, FlowConfig, ModelEntry, QueueTopology};
pub use graph::{
    Edge, EdgeKind, Endpoint, FlowGraph, Metadata, Node, ParseError, Port, Position, SCHEMA_URL,
    json_message,
};
pub use kind::{Category, NodeKind};
