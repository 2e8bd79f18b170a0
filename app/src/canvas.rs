//! The flow canvas: a hand-written SVG editor of a FlowGraph.
//!
//! The flow lives in a [`scene::Scene`] (document, undo history, spatial index) and changes only
//! through named [`document::Command`]s. [`CanvasStore`] wraps it with per-node and per-edge
//! signals, the viewport and the selection; the views only read those and turn gestures into
//! actions on the store. Geometry, layout, clipboard and connection rules are plain functions,
//! tested without a browser.

pub mod actions;
mod cards;
pub mod clipboard;
pub mod connect;
mod controls;
pub mod document;
#[cfg(test)]
mod fixtures;
mod geometry;
pub mod ids;
mod inline;
mod interaction;
pub mod keys;
pub mod layout;
mod minimap;
mod palette;
pub mod scene;
pub mod spatial;
mod store;
mod view;
mod viewport;

pub use controls::ZoomControls;
pub use geometry::{Bounds, NODE_HEIGHT, NODE_WIDTH, Point};
pub use inline::InlineEditors;
pub use minimap::Minimap;
pub use palette::Palette;
pub use store::{CanvasStore, Notice, Selection};
pub use view::Canvas;
pub use viewport::Viewport;
