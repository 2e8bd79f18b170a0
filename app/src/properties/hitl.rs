//! The Form Builder of `hitl_review` nodes: the review form's read-only context, editable
//! inputs and decision buttons (whose ids become the checkpoint's resolution).

use std::collections::HashSet;

use leptos::prelude::*;
use serde_json::{Map, Value, json};

use super::fields::{datalist, follow, unique_name};
use crate::canvas::CanvasStore;

/// One section of the form: its key, title, help and the columns of its items.
struct Section {
    key: &'static str,
    title: &'static str,
    help: &'static str,
    columns: &'static [(&'static str, &'static str)],
    add: &'static str,
}

static SECTIONS: [Section; 3] = [
    Section {
        key: "context",
        title: "Context",
        help: "Shown to the reviewer, read-only: a value the flow computed (e.g. `classification`) and its label.",
        columns: &[("field", "Field"), ("label", "Label")],
        add: "+ add context",
    },
    Section {
        key: "input",
        title: "Inputs",
        help: "Fields the reviewer fills in; their values come back with the resolution.",
        columns: &[("id", "Id"), ("label", "Label"), ("type", "Type")],
        add: "+ add input",
    },
    Section {
        key: "decision",
        title: "Decisions",
        help: "The buttons the reviewer chooses from; the chosen option id is the checkpoint's resolution.",
        columns: &[("id", "Option id"), ("label", "Label")],
        add: "+ add decision",
    },
];

/// Input types the review form renders.
const INPUT_TYPES: &[&str] = &["text", "textarea", "number", "boolean", "date", "select"];

#[component]
pub fn FormBuilder(
    store: CanvasStore,
    node_id: String,
    value: Memo<Option<Value>>,
) -> impl IntoView {
    let sections =
        move || value.with(|v| v.as_ref().and_then(Value::as_object).cloned().unwrap_or_default());
    let save = Callback::new(move |map: Map<String, Value>| {
        store.set_config_field(&node_id, "sections", Some(Value::Object(map)));
    });
    let blocks = SECTIONS
        .iter()
        .map(|section| {
            let key = section.key;
            let items = move || {
                sections().get(key).and_then(Value::as_array).cloned().unwrap_or_default()
            };
            let count = Memo::new(move |_| items().len());
            let update = move |f: &dyn Fn(&mut Vec<Value>)| {
                let mut all = sections();
                let mut list = all.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
                f(&mut list);
                all.insert(key.to_owned(), Value::Array(list));
                save.run(all);
            };
            let rows = move || {
                (0..count.get())
                    .map(|i| {
                        let cells = section
                            .columns
                            .iter()
                            .map(|&(column, label)| {
                                let input = NodeRef::<leptos::html::Input>::new();
                                follow(move || input.get().map(Into::into), move || {
                                    items()
                                        .get(i)
                                        .and_then(|item| item.get(column))
                                        .and_then(Value::as_str)
                                        .unwrap_or_default()
                                        .to_owned()
                                });
                                let list = (column == "type").then(|| "form-input-types".to_owned());
                                let set = move |ev: leptos::ev::Event| {
                                    let text = event_target_value(&ev);
                                    update(&|list: &mut Vec<Value>| {
                                        if let Some(Value::Object(item)) = list.get_mut(i) {
                                            item.insert(column.to_owned(), Value::String(text.clone()));
                                        }
                                    });
                                };
                                view! {
                                    <input type="text" class=format!("form-{column}") aria-label=label placeholder=label list=list node_ref=input on:input=set/>
                                }
                            })
                            .collect_view();
                        let remove = move |_| update(&|list: &mut Vec<Value>| {
                            if i < list.len() {
                                list.remove(i);
                            }
                        });
                        view! {
                            <div class="form-item" data-index=i>
                                {cells}
                                <button type="button" class="quiet pair-remove" aria-label="Remove" on:click=remove>"×"</button>
                            </div>
                        }
                    })
                    .collect_view()
            };
            let add = move |_| {
                update(&|list: &mut Vec<Value>| list.push(new_item(key, list)));
            };
            let problems = move || {
                let problems = check(key, &items());
                (!problems.is_empty()).then(|| {
                    view! { <ul class="field-error">{problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul> }
                })
            };
            view! {
                <fieldset class="form-section" data-section=key>
                    <legend>{section.title}</legend>
                    <p class="help">{section.help}</p>
                    {rows}
                    {problems}
                    <button type="button" class="quiet form-add" on:click=add>{section.add}</button>
                </fieldset>
            }
        })
        .collect_view();
    view! {
        <div id="cfg-sections" class="form-builder">
            {blocks}
            {datalist("form-input-types".to_owned(), || INPUT_TYPES.iter().map(|t| ((*t).to_owned(), (*t).to_owned())).collect())}
        </div>
    }
}

/// A new item for `section`, with an id no other item of it has.
fn new_item(section: &str, existing: &[Value]) -> Value {
    let ids: HashSet<&str> =
        existing.iter().filter_map(|i| i.get("id").and_then(Value::as_str)).collect();
    match section {
        "context" => json!({"field": "", "label": ""}),
        "input" => {
            let id = unique_name("comment", |n| ids.contains(n));
            json!({"id": id, "label": "Comment", "type": "textarea"})
        }
        _ => {
            let id = ["approve", "reject"]
                .into_iter()
                .find(|c| !ids.contains(c))
                .map(str::to_owned)
                .unwrap_or_else(|| unique_name("option", |n| ids.contains(n)));
            let label = match id.as_str() {
                "approve" => "Approve".to_owned(),
                "reject" => "Reject".to_owned(),
                other => other.replace('_', " "),
            };
            json!({"id": id, "label": label})
        }
    }
}

/// What is wrong with a section's items: missing or repeated ids, context without a field.
pub fn check(section: &str, items: &[Value]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    for (i, item) in items.iter().enumerate() {
        let text =
            |k: &str| item.get(k).and_then(Value::as_str).unwrap_or_default().trim().to_owned();
        if section == "context" {
            if text("field").is_empty() {
                problems.push(format!("Context row {} names no field.", i + 1));
            }
            continue;
        }
        let id = text("id");
        if id.is_empty() {
            problems.push(format!("Row {} has no id.", i + 1));
        } else if !seen.insert(id.clone()) {
            problems.push(format!("The id '{id}' is used twice."));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_decisions_offer_approve_then_reject_then_options() {
        let first = new_item("decision", &[]);
        assert_eq!(first, json!({"id": "approve", "label": "Approve"}));
        let second = new_item("decision", std::slice::from_ref(&first));
        assert_eq!(second["id"], "reject");
        assert_eq!(new_item("decision", &[first, second])["id"], "option");
    }

    #[test]
    fn ids_must_be_present_and_distinct() {
        let items = [json!({"id": "approve"}), json!({"id": "approve"}), json!({"label": "x"})];
        let problems = check("decision", &items);
        assert_eq!(problems, ["The id 'approve' is used twice.", "Row 3 has no id."]);
        assert_eq!(
            check("context", &[json!({"label": "Claim"})]),
            ["Context row 1 names no field."]
        );
        assert!(check("input", &[json!({"id": "note"})]).is_empty());
    }
}
