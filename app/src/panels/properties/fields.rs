//! One form row per config field, its control chosen by the field's widget.

use std::sync::Arc;

use flow_model::Node;
use flow_model::form::{Field, Widget};
use leptos::prelude::*;
use serde_json::{Map, Value};

use super::Lookups;
use super::controls::{Range, datalist, number_input, select, text_area, text_input};
use super::edit::{Edit, follow, pair_value, show_in, show_pair, unique_name};
use super::hitl::FormBuilder;
use crate::canvas::CanvasStore;

/// The help shown under expression fields.
const EXPRESSION_HELP: &str = "Expressions read the values earlier nodes emitted, e.g. `confidence > 0.7` or `intent == 'refund'`; `{{node.field}}` interpolates a value into text.";

/// The types offered in the output-schema editor.
const SCAICORE_TYPES: &[&str] = &[
    "string",
    "int",
    "float",
    "bool",
    "object",
    "array",
    "array[string]",
    "enum[a, b]",
    "map<string, string>",
];

/// One config field of the node being edited.
#[component]
pub fn FieldRow(
    store: CanvasStore,
    lookups: Lookups,
    node: ArcRwSignal<Arc<Node>>,
    node_id: String,
    field: &'static Field,
) -> impl IntoView {
    let key = field.key.as_str();
    let value = {
        let node = node.clone();
        Memo::new(move |_| node.with(|n| n.config.get(key).cloned()))
    };
    let edit = Edit::config(store, &node_id, key);
    let error = edit.error;
    let commit = {
        let node_id = node_id.clone();
        Callback::new(move |text: String| match field.parse(&text) {
            Ok(parsed) => {
                edit.accept();
                store.set_config_field(&node_id, key, parsed);
            }
            Err(e) => edit.refuse(e.0),
        })
    };
    let text = move || field.show(value.get().as_ref());
    let control_id = format!("cfg-{key}");
    let no_placeholder = Signal::stored(String::new());
    let mut help = field.help.clone();

    let control = match &field.widget {
        Widget::Text => {
            text_input(control_id.clone(), text, commit, None, no_placeholder, edit).into_any()
        }
        Widget::Expression => {
            help = format!("{help} {EXPRESSION_HELP}");
            view! { <span class="mono">{text_input(control_id.clone(), text, commit, None, no_placeholder, edit)}</span> }
                .into_any()
        }
        Widget::Suggest(values) => {
            let list = format!("{control_id}-values");
            let values: Vec<(String, String)> =
                values.iter().map(|v| (v.clone(), v.clone())).collect();
            view! {
                {text_input(control_id.clone(), text, commit, Some(list.clone()), no_placeholder, edit)}
                {datalist(list, move || values.clone())}
            }
            .into_any()
        }
        Widget::Scope => {
            let scope = lookups.scope;
            let placeholder = Signal::derive(move || match scope.get() {
                Some(scope) => format!("{scope} (the flow's scope)"),
                None => "no scope declared".to_owned(),
            });
            text_input(control_id.clone(), text, commit, None, placeholder, edit).into_any()
        }
        Widget::Plugin => {
            let list = format!("{control_id}-values");
            let plugins = compiler::valid::plugins::KNOWN
                .iter()
                .map(|(alias, _)| ((*alias).to_owned(), (*alias).to_owned()))
                .collect::<Vec<_>>();
            view! {
                {text_input(control_id.clone(), text, commit, Some(list.clone()), no_placeholder, edit)}
                {datalist(list, move || plugins.clone())}
            }
            .into_any()
        }
        Widget::PluginMethod => {
            let list = format!("{control_id}-values");
            let note = node.clone();
            let node = node.clone();
            let methods = move || {
                let plugin = node.with(|n| config_str(&n.config, "plugin"));
                plugin_methods(&plugin)
                    .iter()
                    .map(|m| (m.name.to_owned(), signature(&plugin, m)))
                    .collect::<Vec<_>>()
            };
            view! {
                {text_input(control_id.clone(), text, commit, Some(list.clone()), no_placeholder, edit)}
                {datalist(list, methods)}
                <SignatureNote node=note/>
            }
            .into_any()
        }
        Widget::SubflowTarget => {
            subflow_target(&control_id, text, commit, lookups, store, edit).into_any()
        }
        Widget::Multiline => text_area(control_id.clone(), text, commit, "", edit).into_any(),
        Widget::Lines => {
            help = format!("{help} One per line.");
            text_area(control_id.clone(), text, commit, "lines", edit).into_any()
        }
        Widget::Json => text_area(control_id.clone(), text, commit, "mono", edit).into_any(),
        Widget::Integer { min, max } => {
            let range =
                Range { min: min.map(|m| m as f64), max: max.map(|m| m as f64), step: Some(1.0) };
            let not_a_number = format!("{} must be a whole number", field.label);
            number_input(control_id.clone(), range, text, commit, edit, not_a_number, None)
                .into_any()
        }
        Widget::Toggle => {
            let checked = move || value.get().and_then(|v| v.as_bool()).unwrap_or(false);
            view! {
                <input
                    id=control_id.clone()
                    type="checkbox"
                    prop:checked=checked
                    on:change=move |ev| commit.run(event_target_checked(&ev).to_string())
                />
            }
            .into_any()
        }
        Widget::Choice(values) => {
            let mut options: Vec<(String, String)> =
                values.iter().map(|v| (v.clone(), v.clone())).collect();
            if field.optional {
                options.insert(0, (String::new(), "(not set)".to_owned()));
            }
            select(control_id.clone(), move || options.clone(), text, commit).into_any()
        }
        Widget::ModelRole => model_role(&control_id, value, commit, lookups).into_any(),
        Widget::Queue => queue_select(&control_id, value, commit, lookups, node.clone()).into_any(),
        Widget::Pairs | Widget::OutputSchema => {
            let types = field.widget == Widget::OutputSchema;
            let names = key_suggestions(key, node.clone());
            view! { <PairsEditor store node_id=node_id.clone() key value types names error/> }
                .into_any()
        }
        Widget::FormBuilder => {
            view! { <FormBuilder store node_id=node_id.clone() value/> }.into_any()
        }
    };
    let label_for = control_id.clone();
    view! {
        <div class="field" data-field=key class:has-error=move || error.with(Option::is_some)>
            <label for=label_for>{field.label.clone()}</label>
            {control}
            {edit.message()}
            <p class="help">{help}</p>
        </div>
    }
}

fn config_str(config: &Map<String, Value>, key: &str) -> String {
    config.get(key).and_then(Value::as_str).unwrap_or_default().to_owned()
}

fn plugin_methods(plugin: &str) -> &'static [compiler::valid::plugins::Method] {
    compiler::valid::plugins::KNOWN
        .iter()
        .find(|(alias, _)| *alias == plugin)
        .map(|(_, methods)| *methods)
        .unwrap_or_default()
}

/// `scaidrive.search(path, query)`.
fn signature(plugin: &str, method: &compiler::valid::plugins::Method) -> String {
    format!("{plugin}.{}({})", method.name, method.required.join(", "))
}

/// The known signature of the node's plugin method, under the method field.
#[component]
fn SignatureNote(node: ArcRwSignal<Arc<Node>>) -> impl IntoView {
    move || {
        let (plugin, method) =
            node.with(|n| (config_str(&n.config, "plugin"), config_str(&n.config, "method")));
        let methods = plugin_methods(&plugin);
        let text = match methods.iter().find(|m| m.name == method) {
            Some(m) => format!("Signature: {}", signature(&plugin, m)),
            None if !methods.is_empty() => format!(
                "{plugin} has: {}",
                methods.iter().map(|m| m.name).collect::<Vec<_>>().join(", ")
            ),
            None => return None,
        };
        Some(view! { <p class="signature mono">{text}</p> })
    }
}

/// Names the pairs editor offers for new rows: a plugin method's required arguments, common
/// HTTP headers.
fn key_suggestions(key: &'static str, node: ArcRwSignal<Arc<Node>>) -> Signal<Vec<String>> {
    Signal::derive(move || match key {
        "args" => node.with(|n| {
            let (plugin, method) =
                (config_str(&n.config, "plugin"), config_str(&n.config, "method"));
            plugin_methods(&plugin)
                .iter()
                .find(|m| m.name == method)
                .map(|m| m.required.iter().map(|a| (*a).to_owned()).collect())
                .unwrap_or_default()
        }),
        "headers" => ["Content-Type", "Authorization", "Accept"].map(str::to_owned).to_vec(),
        _ => Vec::new(),
    })
}

/// A dropdown of the declared `choices` (value, label; the first is the empty choice) showing
/// the field's value. A value that is not declared stays listed, in red, with `what` saying
/// where it should have been declared ("model registry", "ScaiQueue topology").
fn declared_select(
    id: &str,
    value: Memo<Option<Value>>,
    commit: Callback<String>,
    choices: Memo<Vec<(String, String)>>,
    what: (&'static str, &'static str),
) -> impl IntoView {
    let (thing, place) = what;
    let current =
        move || value.with(|v| v.as_ref().and_then(Value::as_str).unwrap_or_default().to_owned());
    let orphan = move || {
        let current = current();
        let declared = choices.with(|c| c.iter().any(|(v, _)| *v == current));
        (!current.is_empty() && !declared).then_some(current)
    };
    let element = NodeRef::<leptos::html::Select>::new();
    follow(
        move || element.get().map(Into::into),
        move || {
            choices.track();
            current()
        },
    );
    view! {
        <select id=id.to_owned() class:orphan=move || orphan().is_some() node_ref=element on:change=move |ev| commit.run(event_target_value(&ev))>
            {move || choices.get().into_iter().map(|(value, label)| view! { <option value=value>{label}</option> }).collect_view()}
            {move || orphan().map(|v| view! {
                <option class="orphan" value=v.clone()>{format!("{v} (not in the {place})")}</option>
            })}
        </select>
        {move || orphan().map(|v| view! {
            <p class="field-error orphan-note">{format!("The {thing} '{v}' is not declared in the flow's {place}.")}</p>
        })}
    }
}

/// The model-role dropdown: the registry's roles, reacting to its edits.
fn model_role(
    id: &str,
    value: Memo<Option<Value>>,
    commit: Callback<String>,
    lookups: Lookups,
) -> impl IntoView {
    let roles = lookups.roles;
    let choices = Memo::new(move |_| {
        let roles = roles.get();
        let default = match roles.first() {
            Some(first) => format!("Default: {first}"),
            None => "Default: no model yet".to_owned(),
        };
        let mut choices = vec![(String::new(), default)];
        choices.extend(roles.into_iter().map(|r| (r.clone(), r)));
        choices
    });
    declared_select(id, value, commit, choices, ("role", "model registry"))
}

/// The queue dropdown: the topology's queues (typo-safe), and the scope the queue is in.
fn queue_select(
    id: &str,
    value: Memo<Option<Value>>,
    commit: Callback<String>,
    lookups: Lookups,
    node: ArcRwSignal<Arc<Node>>,
) -> impl IntoView {
    let queues = lookups.queues;
    let choices = Memo::new(move |_| {
        let mut choices = vec![(String::new(), "(choose a queue)".to_owned())];
        choices.extend(queues.get().into_iter().map(|q| {
            let label = match &q.display_name {
                Some(name) if !name.is_empty() => format!("{} ({name})", q.slug),
                _ => q.slug.clone(),
            };
            (q.slug, label)
        }));
        choices
    });
    let scope = lookups.scope;
    let scope_note = move || {
        let own = node.with(|n| config_str(&n.config, "scope"));
        let text = match (own.is_empty(), scope.get()) {
            (false, _) => format!("Scope: {own}"),
            (true, Some(inherited)) => format!("Scope: {inherited} (inherited from the flow)"),
            (true, None) => "No scope: declare one in the flow's ScaiQueue topology.".to_owned(),
        };
        view! { <p class="scope-note">{text}</p> }
    };
    let empty_note = move || {
        queues.with(Vec::is_empty).then(|| view! {
            <p class="muted">"No queues declared yet: add them under the flow's ScaiQueue topology (click the empty canvas)."</p>
        })
    };
    view! {
        {declared_select(id, value, commit, choices, ("queue", "ScaiQueue topology"))}
        {scope_note}
        {empty_note}
    }
}

/// The Sub-flow Target picker: the tenant's saved flows fill the `core://` address; any other
/// address (another tenant's Core) can be typed.
fn subflow_target(
    id: &str,
    text: impl Fn() -> String + Clone + 'static,
    commit: Callback<String>,
    lookups: Lookups,
    store: CanvasStore,
    edit: Edit,
) -> impl IntoView {
    lookups.load_targets(store.with_flow(|f| f.id.clone()));
    let targets = lookups.targets;
    let list = format!("{id}-flows");
    let choices = move || {
        match targets.get() {
        Some(Ok(flows)) if flows.is_empty() => {
            view! { <li class="muted">"No other saved flows in this tenant yet."</li> }.into_any()
        }
        Some(Ok(flows)) => flows
            .into_iter()
            .map(|(target, name)| {
                let pick = target.clone();
                let shown = target.clone();
                view! {
                    <li>
                        <button type="button" class="quiet target-choice" data-target=target.clone() on:click=move |_| commit.run(pick.clone())>
                            <span>{name}</span>
                            <code>{shown}</code>
                        </button>
                    </li>
                }
            })
            .collect_view()
            .into_any(),
        Some(Err(why)) => view! { <li class="muted">{format!("The tenant's flows could not be listed: {why}")}</li> }.into_any(),
        None => view! { <li class="muted">"Loading the tenant's flows…"</li> }.into_any(),
    }
    };
    view! {
        {text_input(id.to_owned(), text, commit, Some(list.clone()), Signal::stored("core://tenant/flow-slug".to_owned()), edit)}
        {datalist(list, move || match targets.get() {
            Some(Ok(flows)) => flows,
            _ => Vec::new(),
        })}
        <ul class="target-list">{choices}</ul>
    }
}

/// Name → value rows (arguments, headers, bindings, payloads) or, with `types`, field name →
/// ScaiCore type (output schemas).
#[component]
fn PairsEditor(
    store: CanvasStore,
    node_id: String,
    key: &'static str,
    value: Memo<Option<Value>>,
    /// Values are ScaiCore type strings rather than JSON values.
    types: bool,
    /// Names offered for new rows.
    names: Signal<Vec<String>>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let map =
        move || value.with(|v| v.as_ref().and_then(Value::as_object).cloned().unwrap_or_default());
    let keys = Memo::new(move |_| map().keys().cloned().collect::<Vec<String>>());
    let save = {
        let node_id = node_id.clone();
        Callback::new(move |map: Map<String, Value>| {
            error.set(None);
            store.set_config_field(&node_id, key, Some(Value::Object(map)));
        })
    };
    let id = format!("cfg-{key}");
    let names_list = format!("{id}-names");
    let types_list = format!("{id}-types");
    let rows = {
        let names_list = names_list.clone();
        let types_list = types_list.clone();
        move || {
            keys.get()
                .into_iter()
                .map(|name| {
                    let rename = {
                        let name = name.clone();
                        move |ev: leptos::ev::Event| {
                            let new = event_target_value(&ev).trim().to_owned();
                            if new == name {
                                return;
                            }
                            let current = map();
                            let refused = if new.is_empty() {
                                Some("A name cannot be empty; remove the row instead.".to_owned())
                            } else if current.contains_key(&new) {
                                Some(format!("'{new}' is already used."))
                            } else {
                                None
                            };
                            if let Some(why) = refused {
                                // The row keeps its stored name; the reason is shown.
                                show_in(&ev, &name);
                                error.set(Some(why));
                            } else {
                                let renamed = current
                                    .into_iter()
                                    .map(|(k, v)| if k == name { (new.clone(), v) } else { (k, v) })
                                    .collect();
                                save.run(renamed);
                            }
                        }
                    };
                    let set_value = {
                        let name = name.clone();
                        Callback::new(move |text: String| {
                            let mut current = map();
                            current.insert(name.clone(), if types { Value::String(text) } else { pair_value(&text) });
                            save.run(current);
                        })
                    };
                    let remove = {
                        let name = name.clone();
                        move |_| {
                            let mut current = map();
                            current.shift_remove(&name);
                            save.run(current);
                        }
                    };
                    let shown = {
                        let name = name.clone();
                        move || map().get(&name).map(show_pair).unwrap_or_default()
                    };
                    let value_input = NodeRef::<leptos::html::Input>::new();
                    follow(move || value_input.get().map(Into::into), shown);
                    let list = if types { Some(types_list.clone()) } else { None };
                    view! {
                        <div class="pair" data-key=name.clone()>
                            <input class="pair-key" type="text" aria-label="Name" list=names_list.clone() prop:value=name.clone() on:change=rename/>
                            <input class="pair-value" type="text" aria-label=if types { "Type" } else { "Value" } list=list node_ref=value_input on:input=move |ev| set_value.run(event_target_value(&ev))/>
                            <button type="button" class="quiet pair-remove" aria-label=format!("Remove {name}") on:click=remove>"×"</button>
                        </div>
                    }
                })
                .collect_view()
        }
    };
    let add = move |_| {
        let mut current = map();
        let offered = names.get_untracked();
        let base = if types { "field" } else { "name" };
        let name = offered
            .into_iter()
            .find(|n| !current.contains_key(n))
            .unwrap_or_else(|| unique_name(base, |n| current.contains_key(n)));
        current.insert(name, Value::String(if types { "string".into() } else { String::new() }));
        save.run(current);
    };
    view! {
        <div id=id class="pairs">
            {rows}
            <button type="button" class="quiet pair-add" on:click=add>{if types { "+ add field" } else { "+ add" }}</button>
            {datalist(names_list, move || names.get().into_iter().map(|n| (n.clone(), n)).collect())}
            {types.then(|| datalist(types_list, || SCAICORE_TYPES.iter().map(|t| ((*t).to_owned(), (*t).to_owned())).collect()))}
        </div>
    }
}
