//! The editor's frame around the canvas and its panels: the toolbar, the banners, the notice
//! toast, the status bar and the editor's own dialogs. Views over a [`crate::session::Session`];
//! the editor page composes them.

pub mod overlays;
pub mod status;
pub mod toolbar;

use leptos::prelude::*;

/// What the frame opens and closes: the dialogs and the properties pane (the preview pane is
/// the session's analysis).
#[derive(Clone, Copy)]
pub struct Chrome {
    pub sharing: RwSignal<bool>,
    pub deploying: RwSignal<bool>,
    pub help: RwSignal<bool>,
    pub properties: RwSignal<bool>,
}

impl Chrome {
    /// Dialogs closed, the properties pane open.
    pub fn new() -> Chrome {
        Chrome {
            sharing: RwSignal::new(false),
            deploying: RwSignal::new(false),
            help: RwSignal::new(false),
            properties: RwSignal::new(true),
        }
    }
}
