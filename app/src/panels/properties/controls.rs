//! The form controls the property panels share: text inputs and areas, number inputs with
//! their range, `<select>`s and `<datalist>`s, each following its value as edits and undo change
//! it, and reporting what the user types.

use leptos::prelude::*;

use super::edit::{Edit, follow};

/// A one-line text input showing `text`, reporting every keystroke to `commit`, within `edit`.
pub fn text_input(
    id: String,
    text: impl Fn() -> String + Clone + 'static,
    commit: Callback<String>,
    list: Option<String>,
    placeholder: Signal<String>,
    edit: Edit,
) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    follow(move || input.get().map(Into::into), text.clone());
    view! {
        <input
            id=id
            type="text"
            list=list
            placeholder=move || placeholder.get()
            aria-invalid=edit.invalid()
            node_ref=input
            on:focus=move |_| edit.begin()
            on:input=move |ev| commit.run(event_target_value(&ev))
            on:blur=move |_| edit.end(input.get_untracked().map(Into::into), text())
        />
    }
}

/// A text area showing `text`, reporting every keystroke to `commit`, within `edit`.
pub fn text_area(
    id: String,
    text: impl Fn() -> String + Clone + 'static,
    commit: Callback<String>,
    class: &'static str,
    edit: Edit,
) -> impl IntoView {
    let area = NodeRef::<leptos::html::Textarea>::new();
    follow(move || area.get().map(Into::into), text.clone());
    view! {
        <textarea
            id=id
            class=class
            rows="3"
            aria-invalid=edit.invalid()
            node_ref=area
            on:focus=move |_| edit.begin()
            on:input=move |ev| commit.run(event_target_value(&ev))
            on:blur=move |_| edit.end(area.get_untracked().map(Into::into), text())
        ></textarea>
    }
}

/// The bounds and step of a number input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub step: Option<f64>,
}

/// A number input showing `text`, reporting every keystroke to `commit` within `edit`. What
/// the browser cannot read as a number at all (it would report an empty value) is refused
/// with `not_a_number`, never taken for an empty field.
pub fn number_input(
    id: String,
    range: Range,
    text: impl Fn() -> String + Clone + 'static,
    commit: Callback<String>,
    edit: Edit,
    not_a_number: String,
    placeholder: Option<&'static str>,
) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    follow(move || input.get().map(Into::into), text.clone());
    let on_input = move |ev: leptos::ev::Event| {
        let Some(el) = input.get_untracked() else { return };
        if el.validity().bad_input() {
            edit.refuse(not_a_number.clone());
        } else {
            commit.run(event_target_value(&ev));
        }
    };
    view! {
        <input
            id=id
            type="number"
            inputmode=if range.step.is_some_and(|s| s.fract() != 0.0) { "decimal" } else { "numeric" }
            min=range.min.map(|m| m.to_string())
            max=range.max.map(|m| m.to_string())
            step=range.step.map(|s| s.to_string())
            placeholder=placeholder
            aria-invalid=edit.invalid()
            node_ref=input
            on:focus=move |_| edit.begin()
            on:input=on_input
            on:blur=move |_| edit.end(input.get_untracked().map(Into::into), text())
        />
    }
}

/// `<datalist>` of suggestions.
pub fn datalist(
    id: String,
    values: impl Fn() -> Vec<(String, String)> + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <datalist id=id>
            {move || values().into_iter().map(|(value, label)| view! { <option value=value>{label}</option> }).collect_view()}
        </datalist>
    }
}

/// A `<select>` of `options` (value, label) showing `text`.
pub fn select(
    id: String,
    options: impl Fn() -> Vec<(String, String)> + Send + Sync + 'static,
    text: impl Fn() -> String + 'static,
    commit: Callback<String>,
) -> impl IntoView {
    let element = NodeRef::<leptos::html::Select>::new();
    follow(move || element.get().map(Into::into), text);
    view! {
        <select id=id node_ref=element on:change=move |ev| commit.run(event_target_value(&ev))>
            {move || options().into_iter().map(|(value, label)| view! { <option value=value>{label}</option> }).collect_view()}
        </select>
    }
}
