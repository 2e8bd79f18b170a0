//! The flow canvas: a hand-written SVG editor of a FlowGraph.
//!
//! The flow lives in a [`scene::Scene`] (document, undo history, spatial index) and changes only
//! through named [`document::Command`]s. [`CanvasStore`] wraps it with per-node and per-edge
//! signals, the viewport and the selection; the views only read those and turn gestures into
//! actions on the store. Geometry, layout, clipboard and connection rules are plain functions,
//! tested without a browser.

pub mod actions;
mod cards;
mod controls;
mod gesture;
mod inline;
mod interaction;
pub mod keys;
mod minimap;
mod palette;
pub mod scene;
pub mod spatial;
mod store;
pub mod system_clipboard;
mod view;
mod viewport;

pub use controls::ZoomControls;
#[cfg(test)]
use flow_edit::fixtures;
pub use flow_edit::{clipboard, connect, document, geometry, ids, layout};
pub use geometry::{Bounds, NODE_HEIGHT, NODE_WIDTH, Point};
pub use inline::InlineEditors;
pub use minimap::Minimap;
pub use palette::Palette;
pub use store::{CanvasStore, Notice, Selection};
pub use view::Canvas;
pub use viewport::Viewport;

/// A generator of fresh ids, seeded from the browser's randomness and clock (from the system
/// clock outside the browser).
pub fn fresh_ids() -> ids::IdGen {
    #[cfg(target_arch = "wasm32")]
    {
        let random = (web_sys::js_sys::Math::random() * 9_007_199_254_740_992.0) as u64;
        let now = web_sys::js_sys::Date::now() as u64;
        ids::IdGen::new(random ^ now.rotate_left(32))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
        ids::IdGen::new(nanos)
    }
}
