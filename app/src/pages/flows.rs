//! The flows page (`/`): saved flows (searchable), drafts kept in this browser, the bundled
//! examples, and the ways to start: a new flow or an imported file.

use flow_model::EXAMPLES;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::dialog::Dialog;
use crate::drafts;
use crate::platform::PLAYGROUND;

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

    // Rename, duplicate and delete: the flow being renamed or deleted, and what happened.
    let renaming = RwSignal::new(None::<api::FlowSummary>);
    let deleting = RwSignal::new(None::<api::FlowSummary>);
    let notice = RwSignal::new(None::<Notice>);
    let busy = RwSignal::new(false);
    let reload = move || {
        let q = query.get_untracked();
        spawn_local(async move {
            let result = api::list_flows(&q).await;
            if query.get_untracked() == q {
                flows.set(Some(result));
            }
        });
    };
    let duplicate = Callback::new(move |f: api::FlowSummary| {
        busy.set(true);
        spawn_local(async move {
            let name = format!("{} (copy)", f.name);
            let outcome = api::duplicate_flow(&f.id, &name).await;
            busy.set(false);
            notice.set(Some(match outcome {
                Ok(copy) => Notice::ok(
                    format!("Saved a copy as '{name}'."),
                    Some(("Open it", format!("/flows/{}", copy.summary.id))),
                ),
                Err(e) => Notice::error(format!("Could not duplicate '{}': {e}", f.name)),
            }));
            reload();
        });
    });
    let restore = Callback::new(move |(id, name): (String, String)| {
        spawn_local(async move {
            notice.set(Some(match api::restore_flow(&id).await {
                Ok(_) => Notice::ok(format!("'{name}' is back."), None),
                Err(e) => Notice::error(format!("Could not restore '{name}': {e}")),
            }));
            reload();
        });
    });

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
                <button id="new-flow" class="primary" on:click=move |_| go_to("/flows/new")>"New flow"</button>
                <crate::account::AccountMenu/>
            </header>
            <main class="home-main" data-ready=move || mounted.get().to_string()>
                {move || import_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                {move || notice.get().map(|notice| view! { <NoticeLine notice restore/> })}
                {move || renaming.get().map(|f| view! { <RenameDialog flow=f done=Callback::new(move |outcome: Option<Notice>| {
                    renaming.set(None);
                    if let Some(outcome) = outcome {
                        notice.set(Some(outcome));
                        reload();
                    }
                })/> })}
                {move || deleting.get().map(|f| view! { <DeleteDialog flow=f done=Callback::new(move |outcome: Option<Notice>| {
                    deleting.set(None);
                    if let Some(outcome) = outcome {
                        notice.set(Some(outcome));
                        reload();
                    }
                })/> })}
                <DraftsSection mounted/>
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
                    <FlowList flows query busy renaming deleting duplicate/>
                </section>
                <section class="home-section" aria-labelledby="examples-title">
                    <h2 id="examples-title">"Examples"</h2>
                    <ul class="examples"><Examples/></ul>
                </section>
            </main>
        </div>
    }
}

/// What happened to a flow, with a link or an Undo when there is one.
#[component]
fn NoticeLine(notice: Notice, restore: Callback<(String, String)>) -> impl IntoView {
    let n = notice;
    let undo = n.undo.clone();
    view! {
        <p id="home-notice" class=if n.error { "home-notice error" } else { "home-notice" } role=if n.error { "alert" } else { "status" }>
            {n.text.clone()}" "
            {n.link.map(|(text, href)| view! { <a href=href rel="external">{text}</a> })}
            {undo.map(|(id, name)| view! {
                <button id="home-undo" class="link" on:click=move |_| restore.run((id.clone(), name.clone()))>"Undo"</button>
            })}
        </p>
    }
}

/// The saved flows, as the last search found them.
#[component]
fn FlowList(
    flows: RwSignal<Option<Result<api::FlowPage, ApiError>>>,
    query: RwSignal<String>,
    busy: RwSignal<bool>,
    renaming: RwSignal<Option<api::FlowSummary>>,
    deleting: RwSignal<Option<api::FlowSummary>>,
    duplicate: Callback<api::FlowSummary>,
) -> impl IntoView {
    move || {
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
                .map(|flow| view! { <FlowRow flow busy renaming deleting duplicate/> })
                .collect_view();
            view! {
                <p class="muted">{format!("{} flow{}", page.total, if page.total == 1 { "" } else { "s" })}</p>
                <ul id="flow-list" class="flow-list">{rows}</ul>
            }
            .into_any()
        }
    }
    }
}

/// One saved flow in the list, with what the caller may do to it.
#[component]
fn FlowRow(
    flow: api::FlowSummary,
    busy: RwSignal<bool>,
    renaming: RwSignal<Option<api::FlowSummary>>,
    deleting: RwSignal<Option<api::FlowSummary>>,
    duplicate: Callback<api::FlowSummary>,
) -> impl IntoView {
    let href = format!("/flows/{}", flow.id);
    let may_edit = flow.access.may_edit();
    let may_delete = flow.access.may_administer();
    let (for_rename, for_copy, for_delete) = (flow.clone(), flow.clone(), flow.clone());
    view! {
        <li class="flow-row" data-flow-id=flow.id.clone()>
            <a href=href rel="external">
                <span class="flow-row-name">{flow.name.clone()}</span>
                <span class="flow-row-version">{format!("v{}", flow.version)}</span>
                <span class="flow-row-time">{short_date(&flow.updated_at)}</span>
            </a>
            <span class="flow-row-actions">
                {may_edit.then(|| view! {
                    <button class="quiet flow-rename" title="Rename this flow" disabled=move || busy.get()
                        on:click=move |_| renaming.set(Some(for_rename.clone()))>"Rename"</button>
                })}
                <button class="quiet flow-duplicate" title="Save a copy of this flow" disabled=move || busy.get()
                    on:click=move |_| duplicate.run(for_copy.clone())>"Duplicate"</button>
                {may_delete.then(|| view! {
                    <button class="quiet flow-delete" title="Move this flow to the trash" disabled=move || busy.get()
                        on:click=move |_| deleting.set(Some(for_delete.clone()))>"Delete"</button>
                })}
            </span>
            <span class="flow-row-description">{flow.description.clone()}</span>
        </li>
    }
}

/// Unsaved work kept in this browser; coming back in a new tab lands in the latest of it.
#[component]
fn DraftsSection(mounted: RwSignal<bool>) -> impl IntoView {
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
    move || {
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
                            <a href=href rel="external">
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
    }
}

/// The bundled examples, each opening in the editor.
#[component]
fn Examples() -> impl IntoView {
    EXAMPLES
        .iter()
        .map(|e| {
            let description = flow_model::FlowGraph::from_json(e.json)
                .ok()
                .and_then(|f| f.metadata.and_then(|m| m.description))
                .unwrap_or_default();
            view! {
                <li class="example-card">
                    <a href=format!("/examples/{}", e.key) rel="external" data-example=e.key>
                        <strong>{e.title}</strong>
                        <span>{description}</span>
                    </a>
                </li>
            }
        })
        .collect_view()
}

/// What the page says after a rename, copy or delete.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    text: String,
    error: bool,
    /// A link after the text: (text, href).
    link: Option<(&'static str, String)>,
    /// The flow a deletion can be undone for: (id, name).
    undo: Option<(String, String)>,
}

impl Notice {
    fn ok(text: String, link: Option<(&'static str, String)>) -> Notice {
        Notice { text, error: false, link, undo: None }
    }

    fn error(text: String) -> Notice {
        Notice { text, error: true, link: None, undo: None }
    }
}

fn go_to(href: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_href(href);
    }
}

/// Renames a saved flow (its document's name too, as a new version).
#[component]
fn RenameDialog(flow: api::FlowSummary, done: Callback<Option<Notice>>) -> impl IntoView {
    let name = RwSignal::new(flow.name.clone());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let flow = StoredValue::new(flow);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new_name = name.get_untracked().trim().to_owned();
        let f = flow.get_value();
        if new_name.is_empty() {
            error.set(Some("A flow needs a name.".into()));
            return;
        }
        if new_name == f.name {
            done.run(None);
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match api::rename_flow(&f.id, &new_name).await {
                Ok(_) => done
                    .run(Some(Notice::ok(format!("Renamed '{}' to '{new_name}'.", f.name), None))),
                Err(ApiError::Conflict { .. }) => {
                    busy.set(false);
                    error.set(Some("Someone saved this flow meanwhile; try again.".into()));
                }
                Err(e) => {
                    busy.set(false);
                    error.set(Some(e.to_string()));
                }
            }
        });
    };
    view! {
        <Dialog id="rename-dialog" labelled_by="rename-title" close=Callback::new(move |()| done.run(None))>
            <h2 id="rename-title">"Rename flow"</h2>
            <form id="rename-form" class="dialog-body" on:submit=save>
                <label for="rename-flow-name">"Name"</label>
                <input id="rename-flow-name" type="text" autofocus prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                <div class="dialog-actions">
                    <button type="button" on:click=move |_| done.run(None)>"Cancel"</button>
                    <button id="rename-save" type="submit" class="primary" disabled=move || busy.get()>"Rename"</button>
                </div>
            </form>
        </Dialog>
    }
}

/// Asks before moving a flow to the trash (it can be restored).
#[component]
fn DeleteDialog(flow: api::FlowSummary, done: Callback<Option<Notice>>) -> impl IntoView {
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let flow = StoredValue::new(flow);
    let delete = move |_| {
        let f = flow.get_value();
        busy.set(true);
        spawn_local(async move {
            match api::delete_flow(&f.id).await {
                Ok(()) => done.run(Some(Notice {
                    text: format!("Moved '{}' to the trash.", f.name),
                    error: false,
                    link: None,
                    undo: Some((f.id.clone(), f.name.clone())),
                })),
                Err(e) => {
                    busy.set(false);
                    error.set(Some(e.to_string()));
                }
            }
        });
    };
    view! {
        <Dialog id="delete-dialog" labelled_by="delete-title" alert=true close=Callback::new(move |()| done.run(None))>
            <h2 id="delete-title">{format!("Delete '{}'?", flow.get_value().name)}</h2>
            <div class="dialog-body">
                <p>"The flow moves to the trash with all its versions and deployments; it can be restored. Nobody can open it meanwhile."</p>
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            </div>
            <div class="dialog-actions">
                <button autofocus on:click=move |_| done.run(None)>"Cancel"</button>
                <button id="delete-confirm" class="danger" disabled=move || busy.get() on:click=delete>"Move to the trash"</button>
            </div>
        </Dialog>
    }
}

/// `2026-11-23T10:04:05Z` → `2026-11-23 10:04`.
fn short_date(rfc3339: &str) -> String {
    let mut text = rfc3339.replacen('T', " ", 1);
    text.truncate(16);
    text
}
