//! Editing one field: the undo step its keystrokes make, refusing what does not fit, and
//! keeping a control's text in step with the document; the small helpers every panel's fields
//! share.

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use serde_json::Value;

use crate::canvas::CanvasStore;
use crate::canvas::actions::{config_edit_key, flow_edit_key};

/// One field's edit, from the moment it gains focus to the moment it loses it.
///
/// Its keystrokes merge into one undo step (under the field's merge key). An input the field
/// refuses (out of range, not a number, not JSON...) never changes what is stored: it takes
/// back the keystrokes before it in the same edit, so the flow holds the value the edit began
/// with, and the field is marked invalid with the reason beside it. Leaving a field whose text
/// was refused shows the stored value again.
#[derive(Clone, Copy)]
pub struct Edit {
    store: CanvasStore,
    key: StoredValue<String>,
    /// Why the field's current text was refused.
    pub error: RwSignal<Option<String>>,
}

impl Edit {
    /// The edit of one config field of node `node`.
    pub fn config(store: CanvasStore, node: &str, key: &str) -> Edit {
        Edit::keyed(store, config_edit_key(node, key))
    }

    /// The edit of node `node`'s label.
    pub fn label(store: CanvasStore, node: &str) -> Edit {
        Edit::keyed(store, crate::canvas::actions::label_edit_key(node))
    }

    /// An edit of the flow's properties under `key`.
    pub fn flow(store: CanvasStore, key: &str) -> Edit {
        Edit::keyed(store, flow_edit_key(key))
    }

    fn keyed(store: CanvasStore, key: String) -> Edit {
        Edit { store, key: StoredValue::new(key), error: RwSignal::new(None) }
    }

    /// The field took focus: what follows is a new undo step.
    pub fn begin(&self) {
        self.store.seal_history();
    }

    /// The text was stored.
    pub fn accept(&self) {
        if self.error.with_untracked(Option::is_some) {
            self.error.set(None);
        }
    }

    /// The text was refused: the flow goes back to the value this edit began with.
    pub fn refuse(&self, message: impl Into<String>) {
        self.key.with_value(|key| self.store.revert_edit(key));
        self.error.set(Some(message.into()));
    }

    /// The field lost focus: a refused text gives way to the stored value.
    pub fn end(&self, element: Option<web_sys::Element>, stored: String) {
        if self.error.with_untracked(Option::is_none) {
            return;
        }
        self.error.set(None);
        if let Some(element) = element {
            set_text(&element, &stored);
        }
    }

    /// Whether the text is refused (for `aria-invalid`).
    pub fn invalid(&self) -> impl Fn() -> &'static str + Copy + Send + Sync + use<> {
        let error = self.error;
        move || if error.with(Option::is_some) { "true" } else { "false" }
    }

    /// The reason beside the field, while there is one.
    pub fn message(&self) -> impl IntoView + use<> {
        let error = self.error;
        move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })
    }
}

/// Puts `text` into a text control (input, text area or select).
fn set_text(element: &web_sys::Element, text: &str) {
    if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
        if input.value() != text {
            input.set_value(text);
        }
    } else if let Some(area) = element.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        if area.value() != text {
            area.set_value(text);
        }
    } else if let Some(select) = element.dyn_ref::<web_sys::HtmlSelectElement>()
        && select.value() != text
    {
        select.set_value(text);
    }
}

/// Keeps a text control showing `text`, except while it has focus: then what the user is
/// typing is the truth, and the document follows it through the edits.
pub fn follow(
    element: impl Fn() -> Option<web_sys::Element> + 'static,
    text: impl Fn() -> String + 'static,
) {
    Effect::new(move |_| {
        let text = text();
        let Some(element) = element() else { return };
        let focused = document().active_element().is_some_and(|a| a == element);
        if !focused {
            set_text(&element, &text);
        }
    });
}

/// Puts `text` back into the control an event came from (a refused rename shows the stored
/// name again).
pub fn show_in(ev: &leptos::ev::Event, text: &str) {
    if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
        set_text(&el, text);
    }
}

/// `base`, or `base_2`, `base_3`, ... whichever is free first.
pub fn unique_name(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_owned();
    }
    (2..).map(|i| format!("{base}_{i}")).find(|n| !taken(n)).unwrap_or_default()
}

/// A pair's value as typed: JSON numbers, booleans, null, arrays and objects are kept as such;
/// anything else (templates, words) is a string.
pub fn pair_value(text: &str) -> Value {
    match serde_json::from_str::<Value>(text) {
        Ok(value) if !value.is_string() => value,
        _ => Value::String(text.to_owned()),
    }
}

/// The text a pair's value is edited as (the inverse of [`pair_value`]).
pub fn show_pair(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn pair_values_keep_json_and_take_text_as_strings() {
        for text in ["{{message.text}}", "/knowledge/support/", "hello world"] {
            assert_eq!(pair_value(text), json!(text));
            assert_eq!(show_pair(&pair_value(text)), text);
        }
        assert_eq!(pair_value("5"), json!(5));
        assert_eq!(pair_value("true"), json!(true));
        assert_eq!(pair_value(r#"{"a": 1}"#), json!({"a": 1}));
        assert_eq!(show_pair(&json!([1, 2])), "[1,2]");
    }

    #[test]
    fn new_names_do_not_collide() {
        assert_eq!(unique_name("name", |_| false), "name");
        assert_eq!(unique_name("name", |n| n == "name" || n == "name_2"), "name_3");
    }
}
