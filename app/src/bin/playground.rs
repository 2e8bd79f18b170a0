//! The server-less playground: the same editor, rendered entirely in the browser (Trunk build).

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
