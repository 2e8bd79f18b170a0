//! The tenant's settings: the ScaiGrid credential its deploys and lookups use.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError, Credentials};
use crate::platform::PLAYGROUND;

#[component]
pub fn SettingsPage() -> impl IntoView {
    // Browser-only: the answer depends on who is signed in.
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    let status = RwSignal::new(None::<Result<Credentials, ApiError>>);
    let reload =
        move || spawn_local(async move { status.set(Some(api::scaigrid_credentials().await)) });
    Effect::new(move |_| {
        if mounted.get() && !PLAYGROUND {
            reload();
        }
    });
    let api_key = RwSignal::new(String::new());
    let base_url = RwSignal::new(String::new());
    let saving = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<(), String>>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let key = api_key.get_untracked();
        let url = base_url.get_untracked();
        saving.set(true);
        spawn_local(async move {
            let url = url.trim();
            let result =
                api::set_scaigrid_credentials(key.trim(), (!url.is_empty()).then_some(url)).await;
            saving.set(false);
            if result.is_ok() {
                api_key.set(String::new());
                reload();
            }
            outcome.set(Some(result.map_err(|e| e.to_string())));
        });
    };
    let shown = move || {
        match status.get() {
        _ if PLAYGROUND => view! { <p class="muted">"This playground runs without a server: there is nothing to configure."</p> }.into_any(),
        None => view! { <p class="muted" role="status">"Loading…"</p> }.into_any(),
        Some(Err(e)) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
        Some(Ok(c)) if c.user_token => view! {
            <p id="grid-status" class="ok">
                {format!(
                    "Calls to ScaiGrid at {} carry your ScaiKey sign-in{}.",
                    c.base_url.unwrap_or_default(),
                    c.masked_key.map(|k| format!("; the tenant key {k} is the fallback")).unwrap_or_default()
                )}
            </p>
        }
        .into_any(),
        Some(Ok(c)) if c.configured => view! {
            <p id="grid-status" class="ok">
                {format!(
                    "Configured: {} with key {}.",
                    c.base_url.unwrap_or_default(),
                    c.masked_key.unwrap_or_default()
                )}
            </p>
        }
        .into_any(),
        Some(Ok(_)) => view! {
            <p id="grid-status" class="warning">
                "Not configured: deploys and ScaiGrid lookups (the Model Picker, importing a ScaiQueue scope) need a ScaiGrid API key."
            </p>
        }
        .into_any(),
    }
    };
    view! {
        <div class="home">
            <header class="topbar">
                <a class="brand" href="/">"ScaiFlow"</a>
                <span class="page-title">"Settings"</span>
                <span class="spacer"></span>
                <crate::account::AccountMenu/>
            </header>
            <main class="home-main settings" data-ready=move || mounted.get().to_string()>
                <section class="home-section" aria-labelledby="grid-title">
                    <h2 id="grid-title">"ScaiGrid credentials"</h2>
                    <p class="muted">
                        "The tenant's ScaiGrid API key, kept in the server's secret store and never shown again in full. Only tenant admins may change it."
                    </p>
                    {shown}
                    <form id="grid-form" class="settings-form" on:submit=save>
                        <label for="grid-api-key">"API key"</label>
                        <input id="grid-api-key" type="password" autocomplete="off" placeholder="sgk_…" required prop:value=api_key on:input=move |ev| api_key.set(event_target_value(&ev))/>
                        <label for="grid-base-url">"Base URL"</label>
                        <input id="grid-base-url" type="url" placeholder="https://scaigrid.scailabs.ai" prop:value=base_url on:input=move |ev| base_url.set(event_target_value(&ev))/>
                        <button id="grid-save" class="primary" type="submit" disabled=move || saving.get() || PLAYGROUND>"Save"</button>
                    </form>
                    {move || outcome.get().map(|o| match o {
                        Ok(()) => view! { <p id="grid-outcome" class="ok" role="status">"Saved."</p> }.into_any(),
                        Err(e) => view! { <p id="grid-outcome" class="error" role="alert">{e}</p> }.into_any(),
                    })}
                </section>
            </main>
        </div>
    }
}
