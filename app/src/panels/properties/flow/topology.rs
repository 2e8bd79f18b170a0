//! The ScaiQueue Topology Editor and Scope Designer of the flow panel: the scope (typed or
//! imported from ScaiQueue), and the queues grouped by purpose.

use flow_model::flow_config::{ConsumerMode, QueuePurpose, QueueSpec};
use flow_model::form::variants;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Map;

use super::super::controls::{Range, number_input, select, text_input};
use super::super::edit::unique_name;
use super::{Editor, from_wire, number, wire};
use crate::api;

/// Where the import of an existing scope stands.
#[derive(Debug, Clone, PartialEq)]
enum Import {
    Idle,
    Loading,
    Failed(String),
    Scopes(Vec<api::Scope>),
}

/// The ScaiQueue Topology Editor and Scope Designer: the scope, and the queues grouped by
/// purpose.
#[component]
pub(super) fn Topology(ed: Editor) -> impl IntoView {
    let scope = Callback::new(move |text: String| {
        ed.topology("scope", |t| {
            t.scope = (!text.trim().is_empty()).then(|| text.trim().to_owned())
        });
    });
    // Rebuilt when queues are added, removed, renamed or regrouped; other fields are bound.
    let layout = Memo::new(move |_| {
        ed.config_read(|c| {
            c.scaiqueue
                .as_ref()
                .map(|t| t.queues.iter().map(|q| (q.slug.clone(), q.purpose)).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    let groups = move || {
        let layout = layout.get();
        let mut purposes: Vec<Option<QueuePurpose>> =
            variants::<QueuePurpose>().iter().map(|p| from_wire(p)).collect();
        purposes.push(None);
        purposes
            .into_iter()
            .filter_map(|purpose| {
                let members: Vec<usize> = layout
                    .iter()
                    .enumerate()
                    .filter(|(_, (_, p))| *p == purpose)
                    .map(|(i, _)| i)
                    .collect();
                if members.is_empty() {
                    return None;
                }
                let title = purpose.map_or("No purpose".to_owned(), |p| {
                    let name = wire(&p).replace('-', " ");
                    let mut chars = name.chars();
                    chars
                        .next()
                        .map(|c| c.to_uppercase().chain(chars).collect())
                        .unwrap_or_default()
                });
                let key = purpose.map_or("none".to_owned(), |p| wire(&p));
                let rows = members.into_iter().map(|i| view! { <QueueRow ed i/> }).collect_view();
                Some(view! {
                    <fieldset class="queue-group" data-purpose=key>
                        <legend>{title}</legend>
                        {rows}
                    </fieldset>
                })
            })
            .collect_view()
    };
    let add = move |_| {
        ed.topology("add-queue", |t| {
            let slug =
                unique_name("queue", |s| t.queues.iter().any(|q| q.slug == s)).replace('_', "-");
            t.queues.push(QueueSpec {
                slug,
                display_name: None,
                description: None,
                consumer_mode: ConsumerMode::default(),
                max_retries: 5,
                purpose: None,
                extra: Map::new(),
            });
        })
    };
    let import = RwSignal::new(Import::Idle);
    let start_import = move |_| {
        import.set(Import::Loading);
        spawn_local(async move {
            import.set(match api::queue_scopes().await {
                Ok(scopes) => Import::Scopes(scopes),
                Err(e) => Import::Failed(e.to_string()),
            });
        });
    };
    let pick = move |scope: api::Scope| {
        import.set(Import::Loading);
        spawn_local(async move {
            match api::scope_queues(&scope.id).await {
                Ok(found) => {
                    let queues: Vec<QueueSpec> = found.iter().map(queue_of).collect();
                    ed.topology("import-scope", |t| {
                        t.scope = Some(scope.slug.clone());
                        for q in queues {
                            match t.queues.iter_mut().find(|x| x.slug == q.slug) {
                                Some(existing) => *existing = q,
                                None => t.queues.push(q),
                            }
                        }
                    });
                    import.set(Import::Idle);
                }
                Err(e) => import.set(Import::Failed(e.to_string())),
            }
        });
    };
    let import_view = move || {
        match import.get() {
        Import::Idle => None,
        Import::Loading => Some(view! { <p class="muted" id="import-scope-status">"Asking ScaiQueue…"</p> }.into_any()),
        Import::Failed(why) => Some(
            view! {
                <p class="muted" id="import-scope-status" role="status">
                    {format!("Importing lists the tenant's ScaiQueue scopes through ScaiGrid, which is not available: {why}.")}
                </p>
            }
            .into_any(),
        ),
        Import::Scopes(scopes) if scopes.is_empty() => Some(
            view! { <p class="muted" id="import-scope-status">"The tenant has no ScaiQueue scopes yet."</p> }.into_any(),
        ),
        Import::Scopes(scopes) => Some(
            view! {
                <ul class="scope-list" id="import-scope-status">
                    {scopes.into_iter().map(|s| {
                        let label = s.display_name.clone().unwrap_or_else(|| s.slug.clone());
                        let slug = s.slug.clone();
                        view! { <li><button type="button" class="quiet" on:click=move |_| pick(s.clone())>{label}" "<code>{slug}</code></button></li> }
                    }).collect_view()}
                </ul>
            }
            .into_any(),
        ),
    }
    };
    view! {
        <section id="topology" class="panel-section">
            <h3>"ScaiQueue topology"</h3>
            <p class="help">"Deploy provisions this scope and its queues before creating the Core; queue and review nodes pick their queue from here."</p>
            <div class="field">
                <label for="topology-scope">"Scope"</label>
                {text_input("topology-scope".into(), move || ed.config_read(|c| c.scaiqueue.as_ref().and_then(|t| t.scope.clone()).unwrap_or_default()), scope, None, Signal::stored("e.g. finance-approvals".to_owned()), ed.edit("scope"))}
            </div>
            {groups}
            <div class="row-actions">
                <button type="button" id="add-queue" class="quiet" on:click=add>"+ add queue"</button>
                <button type="button" id="import-scope" class="quiet" on:click=start_import>"Import existing scope…"</button>
            </div>
            {import_view}
        </section>
    }
}

/// A queue of the ScaiQueue lookup as a topology entry.
pub(super) fn queue_of(found: &api::Queue) -> QueueSpec {
    QueueSpec {
        slug: found.slug.clone(),
        display_name: found.display_name.clone(),
        description: None,
        consumer_mode: found.consumer_mode.as_deref().and_then(from_wire).unwrap_or_default(),
        max_retries: found.max_retries.map_or(5, |n| n.min(100)),
        purpose: None,
        extra: Map::new(),
    }
}

#[component]
fn QueueRow(ed: Editor, i: usize) -> impl IntoView {
    let queue = Memo::new(move |_| {
        ed.config_read(|c| c.scaiqueue.as_ref().and_then(|t| t.queues.get(i).cloned()))
    });
    let field = move |f: fn(&QueueSpec) -> String| {
        move || queue.with(|q| q.as_ref().map(f).unwrap_or_default())
    };
    let slug = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev).trim().to_owned();
        ed.queue(i, "slug", |q| q.slug = text);
    };
    let optional = |text: String| (!text.trim().is_empty()).then_some(text);
    let name =
        Callback::new(move |text: String| ed.queue(i, "name", |q| q.display_name = optional(text)));
    let description = Callback::new(move |text: String| {
        ed.queue(i, "description", |q| q.description = optional(text))
    });
    let mode = Callback::new(move |text: String| {
        if let Some(mode) = from_wire(&text) {
            ed.queue(i, "mode", |q| q.consumer_mode = mode);
        }
    });
    let retries_edit = ed.edit(&format!("queue:{i}:retries"));
    let retries =
        Callback::new(move |text: String| match number::<u32>(&text, "Max retries", (0, 100)) {
            Ok(n) => {
                retries_edit.accept();
                ed.queue(i, "retries", |q| q.max_retries = n.unwrap_or(5));
            }
            Err(e) => retries_edit.refuse(e),
        });
    let purpose =
        Callback::new(move |text: String| ed.queue(i, "purpose", |q| q.purpose = from_wire(&text)));
    let remove = move |_| {
        ed.topology("remove-queue", |t| {
            if i < t.queues.len() {
                t.queues.remove(i);
            }
        })
    };
    let modes: Vec<(String, String)> =
        variants::<ConsumerMode>().into_iter().map(|m| (m.clone(), m)).collect();
    let mut purposes: Vec<(String, String)> = vec![(String::new(), "(none)".to_owned())];
    purposes.extend(variants::<QueuePurpose>().into_iter().map(|p| (p.clone(), p)));
    view! {
        <div class="queue-row" data-index=i data-slug=field(|q| q.slug.clone())>
            <div class="queue-head">
                <input type="text" class="queue-slug mono" aria-label="Slug" placeholder="queue-slug" prop:value=field(|q| q.slug.clone()) on:change=slug/>
                <button type="button" class="quiet pair-remove" aria-label="Remove queue" on:click=remove>"×"</button>
            </div>
            <div class="queue-grid">
                <label class="stacked">
                    <span>"Consumer mode"</span>
                    {select(format!("queue-{i}-mode"), move || modes.clone(), field(|q| wire(&q.consumer_mode)), mode)}
                </label>
                <label class="stacked">
                    <span>"Purpose"</span>
                    {select(format!("queue-{i}-purpose"), move || purposes.clone(), field(|q| q.purpose.map(|p| wire(&p)).unwrap_or_default()), purpose)}
                </label>
                <label class="stacked" class:has-error=move || retries_edit.error.with(Option::is_some)>
                    <span>"Max retries"</span>
                    {number_input(
                        format!("queue-{i}-retries"),
                        Range { min: Some(0.0), max: Some(100.0), step: Some(1.0) },
                        field(|q| q.max_retries.to_string()),
                        retries,
                        retries_edit,
                        "Max retries must be a number from 0 to 100.".to_owned(),
                        None,
                    )}
                </label>
                <label class="stacked">
                    <span>"Display name"</span>
                    {text_input(format!("queue-{i}-name"), field(|q| q.display_name.clone().unwrap_or_default()), name, None, Signal::stored("optional".to_owned()), ed.edit(&format!("queue:{i}:name")))}
                </label>
            </div>
            {retries_edit.message()}
            {text_input(format!("queue-{i}-description"), field(|q| q.description.clone().unwrap_or_default()), description, None, Signal::stored("Description (for people)".to_owned()), ed.edit(&format!("queue:{i}:description")))}
        </div>
    }
}
