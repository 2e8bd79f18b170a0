//! The executor Leptos runs on while the server renders pages.
//!
//! Rendering on the server never needs the browser's work: effects and the other local tasks
//! a page starts only do something in the browser, and a server built on its own compiles them
//! out. A build of the whole workspace (`cargo build` or `cargo test --workspace` at the top)
//! unifies the browser's `hydrate` feature into the server's `app`, which turns effects on;
//! Leptos then hands each effect to `spawn_local`, and Tokio's `spawn_local` panics outside a
//! `LocalSet`, so every page failed. The executor installed here runs tasks on Tokio and drops
//! local ones unstarted (exactly what the server-only build does with effects), so a page
//! renders the same whichever command built the binary.

use any_spawner::{CustomExecutor, Executor, PinnedFuture, PinnedLocalFuture};

struct ServerExecutor;

impl CustomExecutor for ServerExecutor {
    fn spawn(&self, task: PinnedFuture<()>) {
        tokio::spawn(task);
    }

    fn spawn_local(&self, task: PinnedLocalFuture<()>) {
        // Browser-side work (an effect, a task started from one): nothing to do on the server.
        drop(task);
    }

    fn poll_local(&self) {}
}

/// Makes Leptos use the server's executor; must run before the first page is rendered (later
/// calls do nothing).
pub fn install_executor() {
    let _ = Executor::init_custom_executor(ServerExecutor);
}
