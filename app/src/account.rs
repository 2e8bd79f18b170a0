//! The toolbar's account corner, on every page: Sign in, or who is signed in (and their
//! tenant) with Sign out.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wire::account::AuthConfig;

use crate::api::{self, Me};
use crate::auth::{self, bearer, schedule_refresh, sign_in, sign_out};

/// Where the visitor is, to come back to after signing in.
fn here() -> String {
    web_sys::window()
        .and_then(|w| {
            let location = w.location();
            Some(format!("{}{}", location.pathname().ok()?, location.search().ok()?))
        })
        .unwrap_or_else(|| "/".into())
}

/// What the toolbar knows of the account.
#[derive(Debug, Clone)]
enum Account {
    /// Not asked yet (also while rendering on the server).
    Unknown,
    /// The `local` auth mode: no sign-in.
    Local,
    SignedOut(AuthConfig),
    SignedIn(AuthConfig, Me),
    Failed(String),
}

/// The toolbar's account corner: Sign in, or who is signed in (and their tenant) with Sign out.
#[component]
pub fn AccountMenu() -> impl IntoView {
    let account = RwSignal::new(Account::Unknown);
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if crate::platform::PLAYGROUND {
            account.set(Account::Local);
            return;
        }
        spawn_local(async move {
            let config = match auth::config().await {
                Ok(config) => config,
                Err(e) => return account.set(Account::Failed(e.to_string())),
            };
            if config.auth_mode != "scaikey" {
                return account.set(Account::Local);
            }
            if bearer().is_none() {
                return account.set(Account::SignedOut(config));
            }
            schedule_refresh();
            account.set(match api::me().await {
                Ok(me) => Account::SignedIn(config, me),
                // Expired beyond refreshing, or revoked.
                Err(_) if bearer().is_none() => Account::SignedOut(config),
                Err(e) => Account::Failed(e.to_string()),
            });
        });
    });
    move || {
        match account.get() {
        Account::Unknown | Account::Local => ().into_any(),
        Account::Failed(message) => {
            view! { <span id="account-error" class="account error" title=message>"Account unavailable"</span> }.into_any()
        }
        Account::SignedOut(config) => {
            let start = move |_| {
                if let Err(e) = sign_in(&config, &here()) {
                    error.set(Some(e));
                }
            };
            view! {
                <button id="sign-in" class="primary" on:click=start>"Sign in"</button>
                {move || error.get().map(|e| view! { <span class="account error" role="alert">{e}</span> })}
            }
            .into_any()
        }
        Account::SignedIn(config, me) => {
            let who = me.display_name.clone().or(me.email.clone()).unwrap_or_else(|| me.sub.clone());
            let title = format!("{} ({}) in tenant {}", who, me.sub, me.tenant_id);
            view! {
                <span id="account" class="account" title=title>
                    <span class="account-name">{who}</span>
                    <span class="account-tenant">{me.tenant_slug.clone()}</span>
                </span>
                <button id="sign-out" on:click=move |_| sign_out(&config)>"Sign out"</button>
            }
            .into_any()
        }
    }
    }
}
