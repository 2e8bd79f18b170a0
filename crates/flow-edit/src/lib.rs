//! The flow being edited: the document and its named commands (the only way to change it),
//! with the plain rules the canvas edits by: card geometry and edge routes, which connections
//! are allowed, the clipboard's FlowGraph fragments, tidy-up, fresh ids.
//!
//! Nothing here knows about a browser, a framework or a server: the canvas and the tests apply
//! the same commands with this code, and a command serialises as `{op, args}` so any other side
//! that receives one can apply it the same way.

pub mod clipboard;
pub mod connect;
pub mod document;
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
pub mod geometry;
pub mod ids;
pub mod layout;
mod pairs;
