//! `/auth/callback`: where ScaiKey sends the browser back after signing in.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::auth::complete;

/// `/auth/callback`: finishes the sign-in ScaiKey sends back, then goes where the visitor was.
#[component]
pub fn AuthCallbackPage() -> impl IntoView {
    let failure = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let query = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
        spawn_local(async move {
            match complete(&query).await {
                Ok(return_to) => {
                    // Only ever back into this application.
                    let target = if return_to.starts_with('/') && !return_to.starts_with("//") {
                        return_to
                    } else {
                        "/".to_owned()
                    };
                    if let Some(window) = web_sys::window() {
                        let _ = window.location().replace(&target);
                    }
                }
                Err(message) => failure.set(Some(message)),
            }
        });
    });
    view! {
        <div class="home">
            <header class="topbar">
                <a class="brand" href="/">"ScaiFlow"</a>
                <span class="page-title">"Signing in"</span>
                <span class="spacer"></span>
            </header>
            <main class="home-main">
                {move || match failure.get() {
                    None => view! { <p class="muted" role="status">"Finishing the sign-in…"</p> }.into_any(),
                    Some(message) => view! {
                        <p id="sign-in-error" class="error" role="alert">{message}</p>
                        <p><a class="button primary" href="/">"Start again"</a></p>
                    }
                    .into_any(),
                }}
            </main>
        </div>
    }
}
