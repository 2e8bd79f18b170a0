//! The flow properties panel (nothing selected): name, description and ScaiCore target; the
//! model registry with its Model Picker; the ScaiQueue topology (Scope Designer); the sandbox
//! capability; publishing as a chat model. Every edit is one undoable command.

use compiler::Diagnostic;
mod capabilities;
mod topology;

use flow_model::flow_config::{BunkerCapability, Modality, ModelRef, QueueSpec, QueueTopology};
use flow_model::form::variants;
use flow_model::{CoreIdentity, FlowConfig, ModelEntry};
use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::Lookups;
use super::controls::{Range, datalist, number_input, text_area, text_input};
use super::edit::{Edit, unique_name};
use crate::canvas::CanvasStore;
use crate::canvas::document::FlowProperties;
use crate::diagnostics::diagnostic_row;
use capabilities::{Bunker, Publish};
use topology::Topology;

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
        {Suspend::new(flow_sections(ed))}
    }
}

/// The sections below the general fields (models, ScaiQueue topology, sandbox capability,
/// publishing, deployments), from their own piece of the bundle: the panel's first paint shows
/// the general fields, and [`preload`] fetches the rest once the editor is idle.
#[cfg_attr(feature = "split", leptos::lazy)]
async fn flow_sections(ed: Editor) -> AnyView {
    view! {
        <Registry ed/>
        <Topology ed/>
        <Bunker ed/>
        <Publish ed/>
        <crate::panels::deploy::DeploymentHistory/>
    }
    .into_any()
}

/// Starts loading the flow panel's sections in the background.
pub fn preload() {
    // The split build of the browser bundle only: elsewhere the sections are already there.
    #[cfg(all(feature = "split", target_arch = "wasm32"))]
    leptos::task::spawn_local(__preload_flow_sections());
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
    let fallbacks = Memo::new(move |_| entry.with(|e| e.as_ref().map_or(0, |e| e.fallback.len())));
    let fallback_rows =
        move || (0..fallbacks.get()).map(|j| view! { <FallbackRow ed i j entry/> }).collect_view();
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
                    <div class="checks"><Modalities ed i entry/></div>
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

/// Fallback `j` of model `i`: another provider and model tried when the model fails.
#[component]
fn FallbackRow(ed: Editor, i: usize, j: usize, entry: Memo<Option<ModelEntry>>) -> impl IntoView {
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
}

/// The modalities model `i` accepts, one check box each.
#[component]
fn Modalities(ed: Editor, i: usize, entry: Memo<Option<ModelEntry>>) -> impl IntoView {
    variants::<Modality>()
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
        .collect_view()
}

#[cfg(test)]
mod tests {
    use flow_model::flow_config::{ConsumerMode, QueuePurpose};

    use super::topology::queue_of;
    use super::*;
    use crate::api;

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
