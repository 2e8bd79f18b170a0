//! The Form Builder of `hitl_review` nodes. It edits exactly ScaiQueue's `hitl_spec.sections`:
//! a list of typed sections in the order the reviewer sees them (read-only context, fields the
//! reviewer fills in, the decision buttons whose ids become the checkpoint's resolution). A
//! flow saved with the earlier grouped form is shown as the sections it stands for, and the
//! first edit writes the list.

use flow_model::config::{
    ContextSection, DecisionOption, DecisionSection, INPUT_KINDS, InputSection, ReviewSection,
    ReviewSections,
};
use leptos::prelude::*;
use serde_json::Value;

use super::edit::{Edit, unique_name};
use crate::canvas::CanvasStore;
use crate::diagnostics::diagnostic_row;

/// The sections `value` (a node's `config.sections`) holds; the default form when unset.
pub fn sections_of(value: Option<&Value>) -> ReviewSections {
    match value {
        None => flow_model::config::HitlReview::default().sections,
        Some(value) => serde_json::from_value(value.clone()).unwrap_or_default(),
    }
}

/// A new section of `kind`, named so it does not clash with the fields already returned.
fn new_section(kind: &str, existing: &ReviewSections) -> ReviewSection {
    let taken = |name: &str| {
        existing.0.iter().any(|s| match s {
            ReviewSection::Input(i) => i.field == name,
            ReviewSection::Decision(d) => d.field == name,
            ReviewSection::Context(_) => false,
        })
    };
    match kind {
        "context" => ReviewSection::Context(ContextSection {
            title: "Details".into(),
            content: String::new(),
            ..ContextSection::default()
        }),
        "input" => ReviewSection::Input(InputSection {
            field: unique_name("comment", taken),
            kind: "textarea".into(),
            label: Some("Comment".into()),
            ..InputSection::default()
        }),
        _ => ReviewSection::Decision(DecisionSection {
            field: unique_name("decision", taken),
            options: vec![
                DecisionOption::new("approve", "Approve"),
                DecisionOption::new("reject", "Reject"),
            ],
            ..DecisionSection::default()
        }),
    }
}

/// A new option for a decision, with an id none of `options` has.
fn new_option(options: &[DecisionOption]) -> DecisionOption {
    let taken = |id: &str| options.iter().any(|o| o.id == id);
    let id = ["approve", "reject"]
        .into_iter()
        .find(|c| !taken(c))
        .map(str::to_owned)
        .unwrap_or_else(|| unique_name("option", taken));
    let label = match id.as_str() {
        "approve" => "Approve".to_owned(),
        "reject" => "Reject".to_owned(),
        other => other.replace('_', " "),
    };
    DecisionOption::new(&id, &label)
}

fn kind_name(section: &ReviewSection) -> &'static str {
    match section {
        ReviewSection::Context(_) => "context",
        ReviewSection::Input(_) => "input",
        ReviewSection::Decision(_) => "decision",
    }
}

/// What every section editor works with: the sections as stored, and how to change them.
#[derive(Clone, Copy)]
struct Builder {
    sections: Memo<ReviewSections>,
    save: Callback<ReviewSections>,
    /// The undo session of the form's inputs: each field's focus starts a step.
    edit: Edit,
}

impl Builder {
    /// Applies `f` to the sections as they are now and stores the list.
    fn update(self, f: &dyn Fn(&mut Vec<ReviewSection>)) {
        let mut next = self.sections.get_untracked();
        f(&mut next.0);
        self.save.run(next);
    }
}

#[component]
pub fn FormBuilder(
    store: CanvasStore,
    node_id: String,
    value: Memo<Option<Value>>,
) -> impl IntoView {
    let sections = Memo::new(move |_| value.with(|v| sections_of(v.as_ref())));
    let edit = Edit::config(store, &node_id, "sections");
    let save = {
        let node_id = node_id.clone();
        Callback::new(move |next: ReviewSections| {
            let value = serde_json::to_value(&next).unwrap_or(Value::Array(Vec::new()));
            store.set_config_field(&node_id, "sections", Some(value));
        })
    };
    let builder = Builder { sections, save, edit };
    let update = move |f: &dyn Fn(&mut Vec<ReviewSection>)| builder.update(f);
    // The section layout (kinds in order); rows are rebuilt only when it changes, never while
    // typing in one of them.
    let layout =
        Memo::new(move |_| sections.with(|s| s.0.iter().map(kind_name).collect::<Vec<_>>()));
    // The node's diagnostics about section `i`, shown inside it.
    let problems = {
        let node_id = node_id.clone();
        move |i: usize| {
            let node_id = node_id.clone();
            move || {
                let marker = format!("config.sections[{i}]");
                let rows = store.diagnostics.with(|all| {
                    all.iter()
                        .filter(|d| d.node_id.as_deref() == Some(node_id.as_str()))
                        .filter(|d| {
                            d.path.contains(&format!("{marker}.")) || d.path.ends_with(&marker)
                        })
                        .cloned()
                        .collect::<Vec<_>>()
                });
                (!rows.is_empty()).then(|| {
                    let rows = rows.iter().map(|d| diagnostic_row(store, d, None)).collect_view();
                    view! { <ul class="diagnostics section-problems">{rows}</ul> }
                })
            }
        }
    };
    let blocks = move || {
        let layout = layout.get();
        let count = layout.len();
        layout
            .into_iter()
            .enumerate()
            .map(|(i, kind)| {
                let body = match kind {
                    "context" => context_editor(builder, i).into_any(),
                    "input" => input_editor(builder, i).into_any(),
                    _ => decision_editor(builder, i).into_any(),
                };
                let title = match kind {
                    "context" => "Context",
                    "input" => "Input",
                    _ => "Decision",
                };
                let move_by = move |delta: isize| {
                    move |_| {
                        update(&|list: &mut Vec<ReviewSection>| {
                            let j = i as isize + delta;
                            if j >= 0 && (j as usize) < list.len() {
                                list.swap(i, j as usize);
                            }
                        })
                    }
                };
                let remove = move |_| {
                    update(&|list: &mut Vec<ReviewSection>| {
                        if i < list.len() {
                            list.remove(i);
                        }
                    })
                };
                view! {
                    <fieldset class="form-section" data-section=kind data-index=i>
                        <legend>{format!("{} {title}", i + 1)}</legend>
                        <div class="form-section-actions">
                            <button type="button" class="quiet form-up" aria-label="Move up" disabled=i == 0 on:click=move_by(-1)>"↑"</button>
                            <button type="button" class="quiet form-down" aria-label="Move down" disabled=i + 1 == count on:click=move_by(1)>"↓"</button>
                            <button type="button" class="quiet pair-remove form-remove" aria-label=format!("Remove section {}", i + 1) on:click=remove>"×"</button>
                        </div>
                        {body}
                        {problems(i)}
                    </fieldset>
                }
            })
            .collect_view()
    };
    let add = move |kind: &'static str| {
        move |_| {
            let current = sections.get_untracked();
            let section = new_section(kind, &current);
            update(&|list: &mut Vec<ReviewSection>| list.push(section.clone()));
        }
    };
    view! {
        <div id="cfg-sections" class="form-builder">
            {move || layout.with(Vec::is_empty).then(|| view! {
                <p class="muted form-empty">"The reviewer sees an empty form with no button to decide with: add a decision."</p>
            })}
            {blocks}
            <div class="row-actions form-add-row">
                <button type="button" class="quiet form-add" data-add="context" on:click=add("context")>"+ context"</button>
                <button type="button" class="quiet form-add" data-add="input" on:click=add("input")>"+ input"</button>
                <button type="button" class="quiet form-add" data-add="decision" on:click=add("decision")>"+ decision"</button>
            </div>
        </div>
    }
}

/// A text input bound to one string of section `i`: `read` takes it from the section, `write`
/// puts a typed text back.
fn bound_input(
    b: Builder,
    i: usize,
    (class, label): (&'static str, &'static str),
    read: fn(&ReviewSection) -> Option<String>,
    write: fn(&mut ReviewSection, String),
) -> impl IntoView {
    let (sections, edit) = (b.sections, b.edit);
    let input = NodeRef::<leptos::html::Input>::new();
    let text = move || sections.with(|s| s.0.get(i).and_then(read).unwrap_or_default());
    super::edit::follow(move || input.get().map(Into::into), text);
    let set = move |ev: leptos::ev::Event| {
        let typed = event_target_value(&ev);
        b.update(&|list: &mut Vec<ReviewSection>| {
            if let Some(section) = list.get_mut(i) {
                write(section, typed.clone());
            }
        });
    };
    view! {
        <label class="stacked">
            <span>{label}</span>
            <input type="text" class=class aria-label=label node_ref=input on:focus=move |_| edit.begin() on:input=set/>
        </label>
    }
}

fn context_editor(b: Builder, i: usize) -> impl IntoView {
    let (sections, edit) = (b.sections, b.edit);
    let update = move |f: &dyn Fn(&mut Vec<ReviewSection>)| b.update(f);
    let area = NodeRef::<leptos::html::Textarea>::new();
    let content = move || {
        sections.with(|s| match s.0.get(i) {
            Some(ReviewSection::Context(c)) => c.content.clone(),
            _ => String::new(),
        })
    };
    super::edit::follow(move || area.get().map(Into::into), content);
    let set_content = move |ev: leptos::ev::Event| {
        let typed = event_target_value(&ev);
        update(&|list: &mut Vec<ReviewSection>| {
            if let Some(ReviewSection::Context(c)) = list.get_mut(i) {
                c.content = typed.clone();
            }
        });
    };
    view! {
        {bound_input(b, i, ("form-title", "Title"),
            |s| match s { ReviewSection::Context(c) => Some(c.title.clone()), _ => None },
            |s, t| if let ReviewSection::Context(c) = s { c.title = t },
        )}
        <label class="stacked">
            <span>"Content"</span>
            <textarea class="form-content mono" rows="2" aria-label="Content" placeholder="{{claim.amount}} EUR" node_ref=area on:focus=move |_| edit.begin() on:input=set_content></textarea>
        </label>
        <p class="help">"Shown to the reviewer as it is; {{name}} is filled in from the run."</p>
    }
}

fn input_editor(b: Builder, i: usize) -> impl IntoView {
    let (sections, edit) = (b.sections, b.edit);
    let update = move |f: &dyn Fn(&mut Vec<ReviewSection>)| b.update(f);
    let read = move |f: fn(&InputSection) -> String| {
        move || {
            sections.with(|s| match s.0.get(i) {
                Some(ReviewSection::Input(input)) => f(input),
                _ => String::new(),
            })
        }
    };
    let write = move |f: fn(&mut InputSection, String)| {
        move |ev: leptos::ev::Event| {
            let typed = event_target_value(&ev);
            update(&|list: &mut Vec<ReviewSection>| {
                if let Some(ReviewSection::Input(input)) = list.get_mut(i) {
                    f(input, typed.clone());
                }
            });
        }
    };
    let kind = NodeRef::<leptos::html::Select>::new();
    super::edit::follow(move || kind.get().map(Into::into), read(|s| s.kind.clone()));
    let required = read(|s| s.required.to_string());
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        update(&|list: &mut Vec<ReviewSection>| {
            if let Some(ReviewSection::Input(input)) = list.get_mut(i) {
                input.required = on;
            }
        });
    };
    let is_select = move || read(|s| s.kind.clone())() == "select";
    let options = NodeRef::<leptos::html::Textarea>::new();
    super::edit::follow(move || options.get().map(Into::into), read(|s| s.options.join("\n")));
    view! {
        <div class="form-grid">
            {bound_input(b, i, ("form-field", "Field"),
                |s| match s { ReviewSection::Input(x) => Some(x.field.clone()), _ => None },
                |s, t| if let ReviewSection::Input(x) = s { x.field = t.trim().to_owned() },
            )}
            {bound_input(b, i, ("form-label", "Label"),
                |s| match s { ReviewSection::Input(x) => x.label.clone(), _ => None },
                |s, t| if let ReviewSection::Input(x) = s { x.label = (!t.trim().is_empty()).then_some(t) },
            )}
            <label class="stacked">
                <span>"Kind"</span>
                <select class="form-kind" aria-label="Kind" node_ref=kind on:change=write(|s, t| s.kind = t)>
                    {INPUT_KINDS.iter().map(|k| view! { <option value=*k>{*k}</option> }).collect_view()}
                </select>
            </label>
            <label class="check form-required-label">
                <input type="checkbox" class="form-required" prop:checked=move || required() == "true" on:change=toggle/>
                "Required"
            </label>
        </div>
        {move || is_select().then(|| view! {
            <label class="stacked">
                <span>"Choices (one per line)"</span>
                <textarea class="form-options lines" rows="2" node_ref=options on:focus=move |_| edit.begin()
                    on:input=write(|s, t| s.options = t.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect())></textarea>
            </label>
        })}
    }
}

fn decision_editor(b: Builder, i: usize) -> impl IntoView {
    let (sections, edit) = (b.sections, b.edit);
    let update = move |f: &dyn Fn(&mut Vec<ReviewSection>)| b.update(f);
    let count = Memo::new(move |_| {
        sections.with(|s| match s.0.get(i) {
            Some(ReviewSection::Decision(d)) => d.options.len(),
            _ => 0,
        })
    });
    let option_input = move |j: usize, which: &'static str| {
        let input = NodeRef::<leptos::html::Input>::new();
        let text = move || {
            sections.with(|s| match s.0.get(i) {
                Some(ReviewSection::Decision(d)) => d
                    .options
                    .get(j)
                    .map(|o| {
                        if which == "id" {
                            o.id.clone()
                        } else {
                            o.label.clone().unwrap_or_default()
                        }
                    })
                    .unwrap_or_default(),
                _ => String::new(),
            })
        };
        super::edit::follow(move || input.get().map(Into::into), text);
        let set = move |ev: leptos::ev::Event| {
            let typed = event_target_value(&ev);
            update(&|list: &mut Vec<ReviewSection>| {
                if let Some(ReviewSection::Decision(d)) = list.get_mut(i)
                    && let Some(option) = d.options.get_mut(j)
                {
                    if which == "id" {
                        option.id = typed.trim().to_owned();
                    } else {
                        option.label = (!typed.trim().is_empty()).then(|| typed.clone());
                    }
                }
            });
        };
        let (class, label) = if which == "id" {
            ("form-option-id mono", "Option id")
        } else {
            ("form-option-label", "Button label")
        };
        view! { <input type="text" class=class aria-label=label placeholder=label node_ref=input on:focus=move |_| edit.begin() on:input=set/> }
    };
    let rows = move || {
        (0..count.get())
            .map(|j| {
                let remove = move |_| {
                    update(&|list: &mut Vec<ReviewSection>| {
                        if let Some(ReviewSection::Decision(d)) = list.get_mut(i)
                            && j < d.options.len()
                        {
                            d.options.remove(j);
                        }
                    })
                };
                view! {
                    <div class="form-option" data-index=j>
                        {option_input(j, "id")}
                        {option_input(j, "label")}
                        <button type="button" class="quiet pair-remove" aria-label="Remove option" on:click=remove>"×"</button>
                    </div>
                }
            })
            .collect_view()
    };
    let add_option = move |_| {
        update(&|list: &mut Vec<ReviewSection>| {
            if let Some(ReviewSection::Decision(d)) = list.get_mut(i) {
                let option = new_option(&d.options);
                d.options.push(option);
            }
        })
    };
    view! {
        {bound_input(b, i, ("form-field", "Field"),
            |s| match s { ReviewSection::Decision(d) => Some(d.field.clone()), _ => None },
            |s, t| if let ReviewSection::Decision(d) = s { d.field = t.trim().to_owned() },
        )}
        <div class="form-options-list">{rows}</div>
        <button type="button" class="quiet form-add-option" on:click=add_option>"+ option"</button>
        <p class="help">"The id of the button the reviewer chooses is the checkpoint's resolution (what a decision after the review matches on)."</p>
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn new_options_offer_approve_then_reject_then_numbered_ones() {
        let first = new_option(&[]);
        assert_eq!(first, DecisionOption::new("approve", "Approve"));
        let second = new_option(std::slice::from_ref(&first));
        assert_eq!(second.id, "reject");
        assert_eq!(new_option(&[first, second]).id, "option");
    }

    #[test]
    fn new_sections_return_fields_no_other_section_does() {
        let existing = sections_of(Some(&json!([
            {"type": "input", "field": "comment"},
            {"type": "decision", "field": "decision", "options": ["ok"]},
        ])));
        match new_section("input", &existing) {
            ReviewSection::Input(i) => assert_eq!(i.field, "comment_2"),
            other => panic!("{other:?}"),
        }
        match new_section("decision", &existing) {
            ReviewSection::Decision(d) => assert_eq!(d.field, "decision_2"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_grouped_form_is_edited_as_the_sections_it_stands_for() {
        let grouped = json!({"context": [{"field": "claim", "label": "Claim"}],
                             "decision": [{"id": "approve", "label": "Approve"}]});
        let sections = sections_of(Some(&grouped));
        let written = serde_json::to_value(&sections).unwrap();
        assert_eq!(
            written[0],
            json!({"type": "context", "title": "Claim", "content": "{{claim}}"})
        );
        assert_eq!(written[1]["type"], "decision");
        assert!(
            sections_of(None).option_ids() == ["approve", "reject"],
            "unset: approve or reject"
        );
    }
}
