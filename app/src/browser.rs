//! Small browser services the pages use: the address bar, file downloads, reading picked
//! files, and where the keyboard is. Each fails quietly where there is no browser (server-side
//! rendering never calls them).

use leptos::wasm_bindgen::{JsCast, JsValue};

/// Shows `path` in the address bar without navigating (the router does not see it), so a
/// reload reopens what is being edited; any query string is dropped.
pub fn replace_path(path: &str) {
    let Some(window) = web_sys::window() else { return };
    let location = window.location();
    let current = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    if current == path {
        return;
    }
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(path));
    }
}

/// Offers `text` as a file download named `file_name`.
pub fn download(file_name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = web_sys::js_sys::Array::of1(&JsValue::from_str(text));
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &blob_type(mime))
        .map_err(|e| format!("{e:?}"))?;
    offer(file_name, &blob)
}

/// Offers `bytes` as a file download named `file_name`.
pub fn download_bytes(file_name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    let parts = web_sys::js_sys::Array::of1(&web_sys::js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &blob_type(mime))
        .map_err(|e| format!("{e:?}"))?;
    offer(file_name, &blob)
}

fn blob_type(mime: &str) -> web_sys::BlobPropertyBag {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    options
}

fn offer(file_name: &str, blob: &web_sys::Blob) -> Result<(), String> {
    let window = web_sys::window().ok_or("no browser window")?;
    let document = window.document().ok_or("no document")?;
    let url = web_sys::Url::create_object_url_with_blob(blob).map_err(|e| format!("{e:?}"))?;
    let anchor: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(|e| format!("{e:?}"))?.unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// The text of the first file picked in an `<input type="file">`.
pub async fn read_picked_file(input: &web_sys::HtmlInputElement) -> Option<(String, String)> {
    let file = input.files()?.get(0)?;
    let name = file.name();
    let text = wasm_bindgen_futures::JsFuture::from(file.text()).await.ok()?;
    Some((name, text.as_string()?))
}

/// A file name for a flow: its name in lowercase words joined by dashes.
pub fn file_stem(name: &str) -> String {
    let mut stem = String::new();
    for word in name.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        if !stem.is_empty() {
            stem.push('-');
        }
        stem.push_str(&word.to_lowercase());
    }
    if stem.is_empty() { "flow".into() } else { stem }
}

/// Whether keyboard input is going to a text field (shortcuts then stay out of the way).
pub fn typing(ev: &web_sys::Event) -> bool {
    let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
        return false;
    };
    matches!(el.tag_name().to_ascii_lowercase().as_str(), "input" | "textarea" | "select")
        || el.closest("[contenteditable]").ok().flatten().is_some()
}

/// The node that has keyboard focus, if any.
pub fn focused_node() -> Option<String> {
    let active = leptos::prelude::document().active_element()?;
    active.closest("[data-node-id]").ok().flatten()?.get_attribute("data-node-id")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_are_tidy() {
        assert_eq!(file_stem("Customer Support v2!"), "customer-support-v2");
        assert_eq!(file_stem("  "), "flow");
        assert_eq!(file_stem("Überprüfung / Réponse"), "überprüfung-réponse");
    }
}
