//! The flow properties panel (nothing selected): name, description and ScaiCore target; the
//! model registry with its Model Picker; the ScaiQueue topology (Scope Designer); the sandbox
//! capability; publishing as a chat model. Every edit is one undoable command.

use compiler::Diagnostic;
use flow_model::flow_config::{
    BunkerCapability, ConsumerMode, Lifecycle, Modality, ModelRef, NetworkProfile, QueuePurpose,
    QueueSpec, QueueTopology,
};
use flow_model::form::variants;
use flow_model::{CoreIdentity, FlowConfig, ModelEntry};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::Lookups;
use super::edit::{Edit, unique_name};
use super::fields::{Range, datalist, number_input, select, text_area, text_input};
use crate::api;
use crate::canvas::CanvasStore;
use crate::canvas::document::FlowProperties;
use crate::diagnostics::diagnostic_row;

/// Provider keys offered for `ref`.
const PROVIDERS: &[&str] = &["scaigrid", "scaiinfer", "openai"];

/// A variant's wire name (`dead-letter`, `fifo`).
fn wire<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn from_wire<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_value(Value::String(text.to_owned())).ok()
}

/// `""` → `None`; a number in range; else why not.
fn number<T: std::str::FromStr + PartialOrd + std::fmt::Display>(
    text: &str,
    what: &str,
    range: (T, T),
) -> Result<Option<T>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<T>() {
        Ok(n) if n >= range.0 && n <= range.1 => Ok(Some(n)),
        _ => Err(format!("{what} must be a number from {} to {}.", range.0, range.1)),
    }
}

/// `"a, b ,,c"` → `["a", "b", "c"]`.
pub fn comma_list(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

/// Edits of the flow's properties, as undoable commands.
#[derive(Clone, Copy)]
struct Editor {
    store: CanvasStore,
    lookups: Lookups,
}

impl Editor {
    /// Applies `f` to the properties as they are now; `key` merges a burst of edits of one field
    /// into one undo step.
    fn props(self, key: &str, f: impl FnOnce(&mut FlowProperties)) {
        let mut props = self.lookups.props.get_untracked();
        f(&mut props);
        self.store.set_flow_properties(props, key);
    }

    fn config(self, key: &str, f: impl FnOnce(&mut FlowConfig)) {
        self.props(key, |p| {
            let mut config = p.config();
            f(&mut config);
            p.config = Some(config);
        });
    }

    fn models(self, key: &str, f: impl FnOnce(&mut Vec<ModelEntry>)) {
        self.config(key, |c| {
            let identity = c.core_identity.get_or_insert_with(CoreIdentity::default);
            f(&mut identity.models);
        });
    }

    fn model(self, i: usize, key: &str, f: impl FnOnce(&mut ModelEntry)) {
        self.models(&format!("model:{i}:{key}"), |models| {
            if let Some(m) = models.get_mut(i) {
                f(m);
            }
        });
    }

    fn topology(self, key: &str, f: impl FnOnce(&mut QueueTopology)) {
        self.config(key, |c| f(c.scaiqueue.get_or_insert_with(QueueTopology::default)));
    }

    fn queue(self, i: usize, key: &str, f: impl FnOnce(&mut QueueSpec)) {
        self.topology(&format!("queue:{i}:{key}"), |t| {
            if let Some(q) = t.queues.get_mut(i) {
                f(q);
            }
        });
    }

    fn bunker(self, key: &str, f: impl FnOnce(&mut BunkerCapability)) {
        self.config(&format!("bunker:{key}"), |c| {
            f(c.bunker.get_or_insert_with(BunkerCapability::default))
        });
    }

    /// The edit session of the field whose edits run under `key`.
    fn edit(self, key: &str) -> Edit {
        Edit::flow(self.store, key)
    }

    fn read<R>(self, f: impl FnOnce(&FlowProperties) -> R) -> R {
        self.lookups.props.with(f)
    }

    fn config_read<R>(self, f: impl FnOnce(&FlowConfig) -> R) -> R {
        self.read(|p| f(&p.config.clone().unwrap_or_default()))
    }
}

#[component]
pub fn FlowPanel(store: CanvasStore, lookups: Lookups) -> impl IntoView {
    let ed = Editor { store, lookups };
    lookups.load_models();

    let flow_problems = move || {
        let list: Vec<Diagnostic> = store.diagnostics.with(|all| {
            all.iter().filter(|d| d.node_id.is_none() && d.edge_id.is_none()).cloned().collect()
        });
        (!list.is_empty()).then(|| {
            let rows = list.iter().map(|d| diagnostic_row(store, d, None)).collect_view();
            view! { <ul id="flow-diagnostics" class="diagnostics">{rows}</ul> }
        })
    };

    let name_edit = ed.edit("name");
    let name = Callback::new(move |text: String| {
        if text.trim().is_empty() {
            name_edit.refuse("The flow needs a name.");
        } else {
            name_edit.accept();
            ed.props("name", |p| p.name = text.trim().to_owned());
        }
    });
    let description = Callback::new(move |text: String| {
        ed.props("description", |p| p.description = (!text.trim().is_empty()).then_some(text));
    });
    let target = Callback::new(move |text: String| {
        ed.props("target", |p| {
            p.scaicore_target = (!text.trim().is_empty()).then(|| text.trim().to_owned())
        });
    });

    view! {
        <header class="panel-head"><span class="panel-kind">"Flow properties"</span></header>
        {flow_problems}
        <section id="flow-general" class="panel-section">
            <div class="field" class:has-error=move || name_edit.error.with(Option::is_some)>
                <label for="flow-prop-name">"Name"</label>
                {text_input("flow-prop-name".into(), move || ed.read(|p| p.name.clone()), name, None, Signal::stored(String::new()), name_edit)}
                {name_edit.message()}
            </div>
            <div class="field">
                <label for="flow-prop-description">"Description"</label>
                {text_area("flow-prop-description".into(), move || ed.read(|p| p.description.clone().unwrap_or_default()), description, "", ed.edit("description"))}
            </div>
            <div class="field">
                <label for="flow-prop-target">"ScaiCore target"</label>
                {text_input("flow-prop-target".into(), move || ed.read(|p| p.scaicore_target.clone().unwrap_or_default()), target, Some("scaicore-targets".into()), Signal::stored("0.2".to_owned()), ed.edit("target"))}
                {datalist("scaicore-targets".into(), || vec![("0.2".to_owned(), "ScaiCore 0.2".to_owned())])}
                <p class="help">"The ScaiCore language version the compiler targets."</p>
            </div>
        </section>
        <Registry ed/>
        <Topology ed/>
        <Bunker ed/>
        <Publish ed/>
        <crate::panels::deploy::DeploymentHistory/>
    }
}

/// The model registry: row 1 is the pinned `primary`; each row has Advanced settings.
#[component]
fn Registry(ed: Editor) -> impl IntoView {
    let count = Memo::new(move |_| {
        ed.config_read(|c| c.core_identity.as_ref().map_or(0, |i| i.models.len()))
    });
    let models = ed.lookups.models;
    let picker_note = move || match models.get() {
        Some(Err(why)) => Some(format!(
            "The Model Picker lists ScaiGrid's catalogue, which is not available: {why}. Type model ids such as openai/gpt-4o."
        )),
        _ => None,
    };
    let rows = move || (0..count.get()).map(|i| view! { <ModelRow ed i/> }).collect_view();
    let add = move |_| {
        ed.models("add-model", |models| {
            let role = if models.is_empty() {
                "primary".to_owned()
            } else {
                unique_name("fast", |r| models.iter().any(|m| m.role == r))
            };
            models.push(ModelEntry {
                role,
                provider: "scaigrid".into(),
                model: String::new(),
                temperature: None,
                modalities: None,
                system_context: None,
                fallback: Vec::new(),
                extra: Map::new(),
            });
        })
    };
    view! {
        <section id="models" class="panel-section">
            <h3>"Models"</h3>
            <p class="help">"LLM nodes pick a model by role; the first row is the default (primary)."</p>
            {rows}
            <button type="button" id="add-model" class="quiet" on:click=add>"+ add model"</button>
            {move || picker_note().map(|n| view! { <p id="model-picker-note" class="muted">{n}</p> })}
            {datalist("model-providers".into(), || PROVIDERS.iter().map(|p| ((*p).to_owned(), (*p).to_owned())).collect())}
            {datalist("model-catalogue".into(), move || match models.get() {
                Some(Ok(list)) => list,
                _ => Vec::new(),
            })}
        </section>
    }
}

#[component]
fn ModelRow(ed: Editor, i: usize) -> impl IntoView {
    let entry = Memo::new(move |_| {
        ed.config_read(|c| c.core_identity.as_ref().and_then(|id| id.models.get(i).cloned()))
    });
    let field = move |f: fn(&ModelEntry) -> String| {
        move || entry.with(|e| e.as_ref().map(f).unwrap_or_default())
    };
    let pinned = i == 0;
    let role = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev).trim().to_owned();
        ed.model(i, "role", |m| m.role = text);
    };
    let provider = Callback::new(move |text: String| {
        ed.model(i, "ref", |m| m.provider = text.trim().to_owned())
    });
    let model = Callback::new(move |text: String| {
        ed.model(i, "model", |m| m.model = text.trim().to_owned())
    });
    let temperature_edit = ed.edit(&format!("model:{i}:temperature"));
    let temperature =
        Callback::new(move |text: String| match number::<f64>(&text, "Temperature", (0.0, 2.0)) {
            Ok(t) => {
                temperature_edit.accept();
                ed.model(i, "temperature", |m| m.temperature = t);
            }
            Err(e) => temperature_edit.refuse(e),
        });
    let system = Callback::new(move |text: String| {
        ed.model(i, "system", |m| m.system_context = (!text.trim().is_empty()).then_some(text));
    });
    let remove = move |_| {
        ed.models("remove-model", |models| {
            if i > 0 && i < models.len() {
                models.remove(i);
            }
        })
    };
    let modalities = variants::<Modality>()
        .into_iter()
        .map(|name| {
            let checked = {
                let name = name.clone();
                move || entry.with(|e| e.as_ref().is_some_and(|e| e.modalities().iter().any(|m| wire(m) == name)))
            };
            let toggle = {
                let name = name.clone();
                move |ev: leptos::ev::Event| {
                    let on = event_target_checked(&ev);
                    let Some(modality) = from_wire::<Modality>(&name) else { return };
                    ed.model(i, "modalities", |m| {
                        let mut list = m.modalities();
                        list.retain(|x| *x != modality);
                        if on {
                            list.push(modality);
                        }
                        m.modalities = Some(list);
                    });
                }
            };
            view! {
                <label class="check">
                    <input type="checkbox" class="model-modality" data-modality=name.clone() prop:checked=checked on:change=toggle/>
                    {name.replace('_', " ")}
                </label>
            }
        })
        .collect_view();
    let fallbacks = Memo::new(move |_| entry.with(|e| e.as_ref().map_or(0, |e| e.fallback.len())));
    let fallback_rows = move || {
        (0..fallbacks.get())
            .map(|j| {
                let part = move |which: &'static str| {
                    move || {
                        entry.with(|e| {
                            e.as_ref()
                                .and_then(|e| e.fallback.get(j))
                                .map(|f| if which == "ref" { f.provider.clone() } else { f.model.clone() })
                                .unwrap_or_default()
                        })
                    }
                };
                let set = move |which: &'static str| {
                    Callback::new(move |text: String| {
                        ed.model(i, &format!("fallback:{j}:{which}"), |m| {
                            if let Some(f) = m.fallback.get_mut(j) {
                                let slot = if which == "ref" { &mut f.provider } else { &mut f.model };
                                *slot = text.trim().to_owned();
                            }
                        })
                    })
                };
                let remove = move |_| {
                    ed.model(i, "fallback-remove", |m| {
                        if j < m.fallback.len() {
                            m.fallback.remove(j);
                        }
                    })
                };
                let edit = |which: &str| ed.edit(&format!("model:{i}:fallback:{j}:{which}"));
                view! {
                    <div class="fallback-row">
                        {text_input(format!("model-{i}-fallback-{j}-ref"), part("ref"), set("ref"), Some("model-providers".into()), Signal::stored("scaigrid".to_owned()), edit("ref"))}
                        {text_input(format!("model-{i}-fallback-{j}-model"), part("model"), set("model"), Some("model-catalogue".into()), Signal::stored("model id".to_owned()), edit("model"))}
                        <button type="button" class="quiet pair-remove" aria-label="Remove fallback" on:click=remove>"×"</button>
                    </div>
                }
            })
            .collect_view()
    };
    let add_fallback = move |_| {
        ed.model(i, "fallback-add", |m| {
            m.fallback.push(ModelRef {
                provider: "scaigrid".into(),
                model: String::new(),
                extra: Map::new(),
            })
        })
    };
    let temperature_text = field(|e| e.temperature.map(|t| t.to_string()).unwrap_or_default());
    view! {
        <div class="model-row" data-index=i>
            <div class="model-head">
                <input
                    type="text"
                    class="model-role mono"
                    aria-label="Role"
                    readonly=pinned
                    title=if pinned { "The first model is the default (primary): its role cannot be renamed" } else { "Role that LLM nodes name" }
                    prop:value=field(|e| e.role.clone())
                    on:change=role
                />
                {pinned.then(|| view! { <span class="model-default muted">"default"</span> })}
                {(!pinned).then(|| view! { <button type="button" class="quiet pair-remove model-remove" aria-label="Remove model" on:click=remove>"×"</button> })}
            </div>
            <div class="model-grid">
                <label class="stacked">
                    <span>"Provider"</span>
                    {text_input(format!("model-{i}-ref"), field(|e| e.provider.clone()), provider, Some("model-providers".into()), Signal::stored("scaigrid".to_owned()), ed.edit(&format!("model:{i}:ref")))}
                </label>
                <label class="stacked">
                    <span>"Model"</span>
                    {text_input(format!("model-{i}-model"), field(|e| e.model.clone()), model, Some("model-catalogue".into()), Signal::stored("openai/gpt-4o".to_owned()), ed.edit(&format!("model:{i}:model")))}
                </label>
            </div>
            <details class="model-advanced">
                <summary>"Advanced"</summary>
                <div class="field" class:has-error=move || temperature_edit.error.with(Option::is_some)>
                    <label for=format!("model-{i}-temperature")>"Temperature"</label>
                    {number_input(
                        format!("model-{i}-temperature"),
                        Range { min: Some(0.0), max: Some(2.0), step: Some(0.1) },
                        temperature_text,
                        temperature,
                        temperature_edit,
                        "Temperature must be a number from 0 to 2.".to_owned(),
                        Some("model default"),
                    )}
                    {temperature_edit.message()}
                </div>
                <div class="field">
                    <span class="label">"Modalities"</span>
                    <div class="checks">{modalities}</div>
                </div>
                <div class="field">
                    <label for=format!("model-{i}-system")>"System context"</label>
                    {text_area(format!("model-{i}-system"), field(|e| e.system_context.clone().unwrap_or_default()), system, "", ed.edit(&format!("model:{i}:system")))}
                </div>
                <div class="field">
                    <span class="label">"Fallback chain"</span>
                    {fallback_rows}
                    <button type="button" class="quiet" on:click=add_fallback>"+ add fallback"</button>
                </div>
            </details>
        </div>
    }
}

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
fn Topology(ed: Editor) -> impl IntoView {
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
fn queue_of(found: &api::Queue) -> QueueSpec {
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

/// The BunkerCapability editor.
#[component]
fn Bunker(ed: Editor) -> impl IntoView {
    let declared = Memo::new(move |_| ed.config_read(|c| c.bunker.clone()));
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        ed.config("bunker", |c| c.bunker = on.then(BunkerCapability::default));
    };
    let default_note = move || {
        (declared.with(Option::is_none) && ed.lookups.has_compute.get()).then(|| {
            let d = BunkerCapability::default();
            view! {
                <p class="muted" id="bunker-default">
                    {format!(
                        "Not declared: because the flow has compute nodes, the compiler uses lifecycle {}, image {}.",
                        wire(&d.lifecycle),
                        d.image
                    )}
                </p>
            }
        })
    };
    let editor = move || {
        declared.with(Option::is_some).then(|| {
            let field = move |f: fn(&BunkerCapability) -> String| {
                move || declared.with(|b| b.as_ref().map(f).unwrap_or_default())
            };
            let count = |what: &'static str, key: &'static str, set: fn(&mut BunkerCapability, Option<u32>)| {
                let edit = ed.edit(&format!("bunker:{key}"));
                let commit = Callback::new(move |text: String| match number::<u32>(&text, what, (0, u32::MAX)) {
                    Ok(n) => {
                        edit.accept();
                        ed.bunker(key, |b| set(b, n));
                    }
                    Err(e) => edit.refuse(e),
                });
                (commit, edit)
            };
            let lifecycle = Callback::new(move |text: String| {
                if let Some(l) = from_wire::<Lifecycle>(&text) {
                    ed.bunker("lifecycle", |b| b.lifecycle = l);
                }
            });
            let image = Callback::new(move |text: String| ed.bunker("image", |b| b.image = text.trim().to_owned()));
            let network = Callback::new(move |text: String| {
                ed.bunker("network", |b| b.network_profile = from_wire::<NetworkProfile>(&text));
            });
            let lifecycles: Vec<(String, String)> = variants::<Lifecycle>().into_iter().map(|l| (l.clone(), l)).collect();
            let mut networks = vec![(String::new(), "(ScaiBunker default: isolated)".to_owned())];
            networks.extend(variants::<NetworkProfile>().into_iter().map(|n| (n.clone(), n)));
            let numbers = [
                ("CPU millicores", "cpu", count("CPU millicores", "cpu", |b, n| b.cpu_millicores = n), field(|b| opt(b.cpu_millicores))),
                ("Memory MB", "memory", count("Memory MB", "memory", |b, n| b.memory_mb = n), field(|b| opt(b.memory_mb))),
                ("Disk MB", "disk", count("Disk MB", "disk", |b, n| b.disk_mb = n), field(|b| opt(b.disk_mb))),
                ("GPU count", "gpu", count("GPU count", "gpu", |b, n| b.gpu_count = n), field(|b| opt(b.gpu_count))),
            ]
            .into_iter()
            .map(|(label, key, (commit, edit), text)| {
                let id = format!("bunker-{key}");
                view! {
                    <div class="field" class:has-error=move || edit.error.with(Option::is_some)>
                        <label for=id.clone()>{label}</label>
                        {number_input(
                            id,
                            Range { min: Some(0.0), max: None, step: Some(1.0) },
                            text,
                            commit,
                            edit,
                            format!("{label} must be a whole number."),
                            Some("ScaiBunker default"),
                        )}
                        {edit.message()}
                    </div>
                }
            })
            .collect_view();
            view! {
                <div class="field">
                    <label for="bunker-lifecycle">"Lifecycle"</label>
                    {select("bunker-lifecycle".into(), move || lifecycles.clone(), field(|b| wire(&b.lifecycle)), lifecycle)}
                </div>
                <div class="field">
                    <label for="bunker-image">"Image"</label>
                    {text_input("bunker-image".into(), field(|b| b.image.clone()), image, None, Signal::stored("python-3.12".to_owned()), ed.edit("bunker:image"))}
                </div>
                {numbers}
                <div class="field">
                    <label for="bunker-network">"Network profile"</label>
                    {select("bunker-network".into(), move || networks.clone(), field(|b| b.network_profile.map(|n| wire(&n)).unwrap_or_default()), network)}
                </div>
            }
        })
    };
    view! {
        <section id="bunker" class="panel-section">
            <h3>"Sandbox (ScaiBunker)"</h3>
            <label class="check">
                <input type="checkbox" id="bunker-enabled" prop:checked=move || declared.with(Option::is_some) on:change=toggle/>
                "Declare the sandbox capability"
            </label>
            {default_note}
            {editor}
        </section>
    }
}

fn opt(n: Option<u32>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

/// Publish as chat model, with the ScaiKey groups that may call it.
#[component]
fn Publish(ed: Editor) -> impl IntoView {
    let published = move || ed.config_read(|c| c.publish_as_model);
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        ed.config("publish", |c| c.publish_as_model = on);
    };
    let groups = Callback::new(move |text: String| {
        ed.config("groups", |c| c.model_visibility_group_ids = comma_list(&text));
    });
    let shown = move || ed.config_read(|c| c.model_visibility_group_ids.join(", "));
    view! {
        <section id="publish" class="panel-section">
            <h3>"Publishing"</h3>
            <label class="check">
                <input type="checkbox" id="publish-as-model" prop:checked=published on:change=toggle/>
                "Publish as chat model"
            </label>
            <div class="field">
                <label for="visibility-groups">"Visibility group IDs (comma-separated)"</label>
                {text_input("visibility-groups".into(), shown, groups, None, Signal::stored("everyone in the tenant".to_owned()), ed.edit("groups"))}
                <p class="help">"Members of these ScaiKey groups may call the published model; empty means the tenant's default."</p>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_ids_are_split_on_commas() {
        assert_eq!(comma_list(" a, b ,,c "), ["a", "b", "c"]);
        assert!(comma_list(" , ").is_empty());
    }

    #[test]
    fn numbers_are_checked_against_their_range() {
        assert_eq!(number::<u32>("", "Max retries", (0, 100)), Ok(None));
        assert_eq!(number::<u32>(" 7 ", "Max retries", (0, 100)), Ok(Some(7)));
        assert!(number::<u32>("101", "Max retries", (0, 100)).unwrap_err().contains("0 to 100"));
        assert!(number::<f64>("hot", "Temperature", (0.0, 2.0)).is_err());
    }

    #[test]
    fn looked_up_queues_become_topology_entries() {
        let found = serde_json::json!({"id": "q_1", "slug": "review", "display_name": "Review queue",
            "consumer_mode": "priority", "max_retries": 500});
        let q = queue_of(&serde_json::from_value(found).unwrap());
        assert_eq!(
            (q.slug.as_str(), q.consumer_mode, q.max_retries),
            ("review", ConsumerMode::Priority, 100)
        );
        assert!(serde_json::from_value::<api::Queue>(serde_json::json!({"id": "q"})).is_err());
        assert_eq!(wire(&QueuePurpose::DeadLetter), "dead-letter");
    }
}
