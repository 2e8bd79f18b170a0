//! The browser's entry points: [`hydrate`] makes the server-rendered pages interactive (the
//! `hydrate` feature, the site's main bundle) and [`start`] renders the editor in the browser
//! over the server's loading line (the `editor` feature, the editor's own bundle). Both build
//! from this crate, one feature at a time (`cargo leptos build --project scaiflow` and
//! `--project editor`).

/// Called by the JS glue that cargo-leptos generates, once the WASM module is loaded.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::Pages);
}

/// Called by the editor page's script once the editor's module is loaded: replaces what the
/// server rendered (the page frame and its loading line) with the editor.
#[cfg(feature = "editor")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn start() {
    console_error_panic_hook::set_once();
    if let Some(body) = leptos::prelude::document().body() {
        body.set_inner_html("");
    }
    leptos::mount::mount_to_body(app::EditorApp);
}
