//! The editor's panels beside and over the canvas: the properties of the selection or the
//! flow, the live preview of the compiled artifact, deploying and its history, sharing.

pub mod deploy;
pub mod preview;
pub mod properties;
pub mod share;
