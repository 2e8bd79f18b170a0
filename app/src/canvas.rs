//! The flow canvas: an SVG view of a FlowGraph with pan and zoom.
//!
//! State lives in one [`CanvasStore`]; the view only reads it and turns gestures into calls on
//! it. Geometry and the viewport maths are plain functions, tested without a browser.

mod controls;
pub mod document;
mod geometry;
mod interaction;
pub mod spatial;
mod store;
mod view;
mod viewport;

pub use controls::ZoomControls;
pub use geometry::{Bounds, NODE_HEIGHT, NODE_WIDTH, Point};
pub use store::CanvasStore;
pub use view::Canvas;
pub use viewport::Viewport;
