//! Drafts: every change to the flow being edited is kept in `localStorage`, so a reload, a
//! crash or a closed tab loses nothing.
//!
//! `scaiflow_draft_<flow_id>` holds `{saved_at, flow, base_version}` and `scaiflow_draft_latest`
//! the id of the most recent draft. `base_version` (our addition) is the saved version the
//! draft was made from, or `null` for a flow never saved; it decides whether Save creates or
//! updates. Storage failures (private windows, quota, storage disabled) are ignored: drafts are
//! a safety net, never a reason for editing to fail.

use flow_model::FlowGraph;
use serde::{Deserialize, Serialize};

/// Prefix of draft keys.
pub const PREFIX: &str = "scaiflow_draft_";
/// The key naming the most recent draft.
pub const LATEST: &str = "scaiflow_draft_latest";

/// One stored draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// RFC 3339 time of the last change.
    pub saved_at: String,
    pub flow: FlowGraph,
    #[serde(default)]
    pub base_version: Option<String>,
}

impl Draft {
    pub fn parse(text: &str) -> Option<Draft> {
        serde_json::from_str(text).ok()
    }

    pub fn to_json(&self) -> Option<String> {
        serde_json::to_string(self).ok()
    }
}

/// The storage key of the draft of `flow_id`.
pub fn key(flow_id: &str) -> String {
    format!("{PREFIX}{flow_id}")
}

fn storage() -> Option<web_sys::Storage> {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()?.local_storage().ok().flatten()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        None
    }
}

/// The current time as RFC 3339 (UTC).
pub fn now() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        String::from(web_sys::js_sys::Date::new_0().to_iso_string())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        String::from("1970-01-01T00:00:00.000Z")
    }
}

/// Stores a draft of `flow` and makes it the latest; failures are ignored.
pub fn save(flow: &FlowGraph, base_version: Option<&str>) {
    let Some(storage) = storage() else { return };
    let draft = Draft {
        saved_at: now(),
        flow: flow.clone(),
        base_version: base_version.map(str::to_owned),
    };
    let Some(text) = draft.to_json() else { return };
    if storage.set_item(&key(&flow.id), &text).is_ok() {
        let _ = storage.set_item(LATEST, &flow.id);
    }
}

/// The draft of `flow_id`, if one is stored and readable.
pub fn load(flow_id: &str) -> Option<Draft> {
    let text = storage()?.get_item(&key(flow_id)).ok().flatten()?;
    Draft::parse(&text)
}

/// The id of the flow of the most recent draft, if that draft still exists.
pub fn latest() -> Option<String> {
    let id = storage()?.get_item(LATEST).ok().flatten()?;
    load(&id).map(|_| id)
}

/// Where the editor opens `draft`: the saved flow it changes, or the never-saved flow itself.
pub fn href(draft: &Draft) -> String {
    match draft.base_version {
        Some(_) => format!("/flows/{}", draft.flow.id),
        None => format!("/drafts/{}", draft.flow.id),
    }
}

/// True on the first page a browser tab shows of ScaiFlow (remembered in `sessionStorage`),
/// when the latest draft is restored. Without session storage it is never true: nothing is
/// restored by surprise on every visit to the flows page.
pub fn first_page_of_visit() -> bool {
    const BOOTED: &str = "scaiflow_booted";
    #[cfg(target_arch = "wasm32")]
    {
        let Some(session) = web_sys::window().and_then(|w| w.session_storage().ok().flatten())
        else {
            return false;
        };
        if session.get_item(BOOTED).ok().flatten().is_some() {
            return false;
        }
        session.set_item(BOOTED, "1").is_ok()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = BOOTED;
        false
    }
}

/// Removes the draft of `flow_id` (after a save, or when discarded); failures are ignored.
pub fn clear(flow_id: &str) {
    let Some(storage) = storage() else { return };
    let _ = storage.remove_item(&key(flow_id));
    if storage.get_item(LATEST).ok().flatten().as_deref() == Some(flow_id) {
        let _ = storage.remove_item(LATEST);
    }
}

/// Every stored draft, newest first.
pub fn all() -> Vec<Draft> {
    let Some(storage) = storage() else { return Vec::new() };
    let count = storage.length().unwrap_or(0);
    let mut drafts: Vec<Draft> = (0..count)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|k| k.starts_with(PREFIX) && k != LATEST)
        .filter_map(|k| storage.get_item(&k).ok().flatten())
        .filter_map(|text| Draft::parse(&text))
        .collect();
    drafts.sort_by(|a, b| b.saved_at.cmp(&a.saved_at));
    drafts
}

#[cfg(test)]
mod tests {
    use flow_model::EXAMPLES;

    use super::*;

    #[test]
    fn the_envelope_round_trips_and_has_the_documented_fields() {
        let flow = FlowGraph::from_json(EXAMPLES[0].json).unwrap();
        let draft = Draft { saved_at: "2026-11-23T10:00:00.000Z".into(), flow, base_version: None };
        let text = draft.to_json().unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(value["saved_at"].is_string());
        assert_eq!(value["flow"]["id"], "flow_example_customer_support");
        assert_eq!(Draft::parse(&text), Some(draft));
        // An envelope written without our field still loads.
        let bare = r#"{"saved_at": "x", "flow": {"id": "f", "name": "F", "version": "1.0.0"}}"#;
        assert_eq!(Draft::parse(bare).unwrap().base_version, None);
        assert_eq!(Draft::parse("{not json"), None);
    }

    #[test]
    fn keys_follow_the_documented_names() {
        assert_eq!(key("flow_abc"), "scaiflow_draft_flow_abc");
        assert_eq!(LATEST, "scaiflow_draft_latest");
    }
}
