//! The one dialog every modal of the editor and the pages is built from: a backdrop, a box that
//! fits the window (its body scrolls, its title and actions stay in view), focus moved into it
//! when it opens and kept there while it is open, Escape and a click beside it to close it, and
//! focus given back to where it was when it closes.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

/// What can take keyboard focus inside a dialog, in tab order.
const FOCUSABLE: &str = "button:not([disabled]), [href], input:not([disabled]):not([type=\"hidden\"]), \
                         select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex=\"-1\"])";

/// The focusable elements inside `root`.
fn focusable(root: &web_sys::Element) -> Vec<web_sys::HtmlElement> {
    let Ok(list) = root.query_selector_all(FOCUSABLE) else { return Vec::new() };
    (0..list.length())
        .filter_map(|i| list.get(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .collect()
}

/// A modal dialog. `close` runs on Escape and on a click on the backdrop, unless `locked` (a
/// deploy in progress); the element marked `autofocus` (else the first control) gets focus.
#[component]
pub fn Dialog(
    /// The dialog element's id.
    id: &'static str,
    /// The id of the heading that names it.
    labelled_by: &'static str,
    /// Extra classes of the dialog box.
    #[prop(optional)]
    class: &'static str,
    /// `alertdialog` for a question that needs an answer.
    #[prop(optional)]
    alert: bool,
    /// While true, Escape and the backdrop do not close it.
    #[prop(optional, into)]
    locked: Signal<bool>,
    close: Callback<()>,
    children: Children,
) -> impl IntoView {
    let root = NodeRef::<leptos::html::Div>::new();
    // Focus moves in when the dialog is drawn, and back out when it goes.
    let opener = StoredValue::new_local(
        document().active_element().and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()),
    );
    Effect::new(move |_| {
        let Some(el) = root.get() else { return };
        let el: web_sys::Element = el.into();
        let target = el
            .query_selector("[autofocus]")
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            .or_else(|| focusable(&el).into_iter().next());
        match target {
            Some(target) => {
                let _ = target.focus();
            }
            None => {
                if let Some(el) = el.dyn_ref::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
        }
    });
    on_cleanup(move || {
        if let Some(Some(opener)) = opener.try_get_value()
            && opener.is_connected()
        {
            let _ = opener.focus();
        }
    });
    let keys = window_event_listener(leptos::ev::keydown, move |ev: KeyboardEvent| {
        let Some(el) = root.get_untracked() else { return };
        let el: web_sys::Element = el.into();
        match ev.key().as_str() {
            "Escape" => {
                ev.prevent_default();
                ev.stop_immediate_propagation();
                if !locked.get_untracked() {
                    close.run(());
                }
            }
            // Tab cycles through the dialog's controls, never out to the page behind it.
            "Tab" => {
                let controls = focusable(&el);
                let (Some(first), Some(last)) = (controls.first(), controls.last()) else {
                    ev.prevent_default();
                    return;
                };
                let active = document().active_element();
                let inside = active.as_ref().is_some_and(|a| el.contains(Some(a)));
                let at = |c: &web_sys::HtmlElement| {
                    active.as_ref().is_some_and(|a| a == c.unchecked_ref::<web_sys::Element>())
                };
                if ev.shift_key() && (at(first) || !inside) {
                    ev.prevent_default();
                    let _ = last.focus();
                } else if !ev.shift_key() && (at(last) || !inside) {
                    ev.prevent_default();
                    let _ = first.focus();
                }
            }
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());
    let on_backdrop = move |_| {
        if !locked.get_untracked() {
            close.run(());
        }
    };
    view! {
        <div class="dialog-backdrop" on:click=on_backdrop>
            <div
                id=id
                class=format!("dialog {class}")
                role=if alert { "alertdialog" } else { "dialog" }
                aria-modal="true"
                aria-labelledby=labelled_by
                tabindex="-1"
                node_ref=root
                on:click=|ev| ev.stop_propagation()
            >
                {children()}
            </div>
        </div>
    }
}

/// Whether a dialog is open (the editor's shortcuts then stay out of the way).
pub fn is_open() -> bool {
    document().query_selector(".dialog[aria-modal]").ok().flatten().is_some()
}
