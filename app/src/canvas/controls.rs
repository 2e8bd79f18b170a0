//! The zoom controls floating over the canvas: zoom out, current scale, zoom in, fit.

use leptos::prelude::*;

use super::interaction::BUTTON_ZOOM_STEP;
use super::store::CanvasStore;

#[component]
pub fn ZoomControls(store: CanvasStore) -> impl IntoView {
    let percent = move || format!("{}%", store.viewport.with(|vp| vp.percent()));
    view! {
        <div class="zoom-controls" role="toolbar" aria-label="Zoom">
            <button
                id="zoom-out"
                title="Zoom out"
                aria-label="Zoom out"
                on:click=move |_| store.zoom_centre(1.0 / BUTTON_ZOOM_STEP)
            >
                "−"
            </button>
            <output id="zoom-level" aria-live="polite">{percent}</output>
            <button
                id="zoom-in"
                title="Zoom in"
                aria-label="Zoom in"
                on:click=move |_| store.zoom_centre(BUTTON_ZOOM_STEP)
            >
                "+"
            </button>
            <button id="zoom-fit" title="Fit flow to view" on:click=move |_| store.fit_to_view()>
                "Fit"
            </button>
        </div>
    }
}
