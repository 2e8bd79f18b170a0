//! Routed pages. Each page owns loading its data and hands it to presentational components.

pub mod admin;
pub mod auth_callback;
pub mod editor;
pub mod flows;
pub mod settings;
