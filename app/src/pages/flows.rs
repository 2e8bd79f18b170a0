//! The flows page (`/`): saved flows (searchable), drafts kept in this browser, the bundled
//! examples, and the ways to start: a new flow or an imported file.

use flow_model::EXAMPLES;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::drafts;
use crate::pages::editor::PLAYGROUND;

/// How long typing in the search box waits before asking the server.
const SEARCH_DEBOUNCE_MS: u64 = 250;

#[component]
pub fn FlowsPage() -> impl IntoView {
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    let search = RwSignal::new(String::new());
    let query = RwSignal::new(String::new());
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let on_search = move |ev: leptos::ev::Event| {
        search.set(event_target_value(&ev));
        if let Some(t) = timer.get_value() {
            t.clear();
        }
        let handle = set_timeout_with_handle(
            move || query.set(search.get_untracked()),
            std::time::Duration::from_millis(SEARCH_DEBOUNCE_MS),
        );
        timer.set_value(handle.ok());
    };
    // `None` until loaded; browser-only (the list is per user, and the playground has none).
    let flows = RwSignal::new(None::<Result<api::FlowPage, ApiError>>);
    Effect::new(move |_| {
        if !mounted.get() || PLAYGROUND {
            return;
        }
        let q = query.get();
        spawn_local(async move {
            let result = api::list_flows(&q).await;
            // A slower answer to an older query must not overwrite a newer one.
            if query.get_untracked() == q {
                flows.set(Some(result));
            }
        });
    });
    let drafts_list = RwSignal::new(Vec::<drafts::Draft>::new());
    Effect::new(move |_| {
        if !mounted.get() {
            return;
        }
        // Coming back to ScaiFlow in a new tab lands in the work left unsaved last time.
        if drafts::first_page_of_visit()
            && let Some(latest) = drafts::latest().and_then(|id| drafts::load(&id))
            && let Some(window) = web_sys::window()
        {
            let _ = window.location().replace(&drafts::href(&latest));
            return;
        }
        drafts_list.set(drafts::all());
    });

    let import_input = NodeRef::<leptos::html::Input>::new();
    let import_error = RwSignal::new(None::<String>);
    let on_import = move |_| {
        let Some(input) = import_input.get_untracked() else { return };
        spawn_local(async move {
            let Some((name, flow)) = crate::import::picked_file(&input).await else { return };
            match flow {
                Ok(flow) => {
                    // An import opens as a new, unsaved flow: hand it over as a draft.
                    drafts::save(&flow, None);
                    if let Some(window) = web_sys::window() {
                        let _ = window.location().set_href(&format!("/drafts/{}", flow.id));
                    }
                }
                Err(e) => import_error.set(Some(format!("Could not import {name}: {e}"))),
            }
        });
    };

    let pick_file = move |_| {
        if let Some(input) = import_input.get_untracked() {
            input.click();
        }
    };

    let list = move || {
        match flows.get() {
        _ if PLAYGROUND => view! {
            <p id="playground-notice" class="muted">
                "This playground runs without a server: flows live as drafts in this browser, "
                "and Save exports a file."
            </p>
        }
        .into_any(),
        None => view! { <p class="muted" role="status">"Loading flows…"</p> }.into_any(),
        Some(Err(ApiError::Failed { status: 401, .. })) => view! {
            <p id="flows-signed-out" class="muted">"Sign in to see your flows. Drafts and examples below work without signing in."</p>
        }
        .into_any(),
        Some(Err(e)) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
        Some(Ok(page)) if page.items.is_empty() => {
            let empty = if query.with(String::is_empty) {
                "No saved flows yet. Start a new one, or open an example."
            } else {
                "No flow name matches."
            };
            view! { <p class="muted">{empty}</p> }.into_any()
        }
        Some(Ok(page)) => {
            let rows = page
                .items
                .into_iter()
                .map(|f| {
                    let href = format!("/flows/{}", f.id);
                    view! {
                        <li class="flow-row" data-flow-id=f.id.clone()>
                            <a href=href>
                                <span class="flow-row-name">{f.name}</span>
                                <span class="flow-row-version">{format!("v{}", f.version)}</span>
                                <span class="flow-row-time">{short_date(&f.updated_at)}</span>
                            </a>
                            <span class="flow-row-description">{f.description}</span>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <p class="muted">{format!("{} flow{}", page.total, if page.total == 1 { "" } else { "s" })}</p>
                <ul id="flow-list" class="flow-list">{rows}</ul>
            }
            .into_any()
        }
    }
    };

    let drafts_view = move || {
        let list = drafts_list.get();
        (!list.is_empty()).then(|| {
            let rows = list
                .into_iter()
                .map(|d| {
                    let id = d.flow.id.clone();
                    let href = drafts::href(&d);
                    let state = match &d.base_version {
                        Some(v) => format!("changes to v{v}"),
                        None => "never saved".to_owned(),
                    };
                    let discard = move |_| {
                        drafts::clear(&id);
                        drafts_list.set(drafts::all());
                    };
                    view! {
                        <li class="flow-row draft-row">
                            <a href=href>
                                <span class="flow-row-name">{d.flow.name}</span>
                                <span class="flow-row-version">{state}</span>
                                <span class="flow-row-time">{short_date(&d.saved_at)}</span>
                            </a>
                            <button class="quiet" on:click=discard>"Discard"</button>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="home-section" aria-labelledby="drafts-title">
                    <h2 id="drafts-title">"Unsaved work in this browser"</h2>
                    <ul id="draft-list" class="flow-list">{rows}</ul>
                </section>
            }
        })
    };

    let examples = EXAMPLES
        .iter()
        .map(|e| {
            let description = flow_model::FlowGraph::from_json(e.json)
                .ok()
                .and_then(|f| f.metadata.and_then(|m| m.description))
                .unwrap_or_default();
            view! {
                <li class="example-card">
                    <a href=format!("/examples/{}", e.key) data-example=e.key>
                        <strong>{e.title}</strong>
                        <span>{description}</span>
                    </a>
                </li>
            }
        })
        .collect_view();

    view! {
        <div class="home">
            <header class="topbar">
                <a class="brand" href="/">"ScaiFlow"</a>
                <span class="spacer"></span>
                <button id="home-import" on:click=pick_file>"Import"</button>
                <input
                    id="home-import-file"
                    type="file"
                    accept=".json,.yaml,.yml,application/json,application/yaml"
                    hidden
                    node_ref=import_input
                    on:change=on_import
                />
                {(!PLAYGROUND).then(|| view! {
                    <a id="admin-link" class="button" href="/admin">"Admin"</a>
                    <a id="settings-link" class="button" href="/settings">"Settings"</a>
                })}
                <a id="new-flow" class="button primary" href="/flows/new">"New flow"</a>
                <crate::auth::AccountMenu/>
            </header>
            <main class="home-main" data-ready=move || mounted.get().to_string()>
                {move || import_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                {drafts_view}
                <section class="home-section" aria-labelledby="flows-title">
                    <h2 id="flows-title">"Flows"</h2>
                    {(!PLAYGROUND).then(|| view! {
                        <input
                            id="flow-search"
                            type="search"
                            placeholder="Search by name"
                            aria-label="Search flows by name"
                            prop:value=search
                            on:input=on_search
                        />
                    })}
                    {list}
                </section>
                <section class="home-section" aria-labelledby="examples-title">
                    <h2 id="examples-title">"Examples"</h2>
                    <ul class="examples">{examples}</ul>
                </section>
            </main>
        </div>
    }
}

/// `2026-11-23T10:04:05Z` → `2026-11-23 10:04`.
fn short_date(rfc3339: &str) -> String {
    let mut text = rfc3339.replacen('T', " ", 1);
    text.truncate(16);
    text
}
