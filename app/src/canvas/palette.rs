//! The palette: the 24 node kinds grouped by category, searchable. Drag a kind onto the canvas
//! to add it there; click it, or press Enter on it (or in the search box, for the first match),
//! to add it after the selected node or in the middle of the view.

use flow_model::{Category, NodeKind};
use leptos::ev::{DragEvent, KeyboardEvent};
use leptos::prelude::*;

use super::cards::glyph;
use super::store::CanvasStore;
use super::view::KIND_MIME;

/// The kinds matching `query` (display name, wire name or category, case-insensitive), in
/// catalogue order.
pub fn matching(query: &str) -> Vec<NodeKind> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    NodeKind::ALL
        .into_iter()
        .filter(|kind| {
            let haystack = format!(
                "{} {} {}",
                kind.display_name().to_lowercase(),
                kind.as_str(),
                kind.category().display_name().to_lowercase()
            );
            words.iter().all(|w| haystack.contains(w.as_str()))
        })
        .collect()
}

/// Categories in palette order.
const CATEGORIES: [Category; 9] = [
    Category::Entry,
    Category::Llm,
    Category::Logic,
    Category::Tool,
    Category::Data,
    Category::Checkpoint,
    Category::QueueHitl,
    Category::Compute,
    Category::Subflow,
];

#[component]
pub fn Palette(store: CanvasStore, search: NodeRef<leptos::html::Input>) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let hits = Memo::new(move |_| query.with(|q| matching(q)));
    let add = move |kind: NodeKind| {
        store.add_node(kind);
        // Back to the canvas, so Delete, arrows and Enter act on the new node.
        if let Some(el) = store.element.get_untracked() {
            let _ = el.focus();
        }
    };
    let on_search_key = move |ev: KeyboardEvent| match ev.key().as_str() {
        "Enter" => {
            if let Some(kind) = hits.with_untracked(|h| h.first().copied()) {
                ev.prevent_default();
                add(kind);
                query.set(String::new());
                if let Some(input) = search.get_untracked() {
                    input.set_value("");
                }
            }
        }
        "ArrowDown" => {
            ev.prevent_default();
            if let Ok(Some(first)) = document().query_selector(".palette-item") {
                let _ = leptos::wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(first)
                    .focus();
            }
        }
        "Escape" => {
            query.set(String::new());
            if let Some(input) = search.get_untracked() {
                input.set_value("");
                let _ = input.blur();
            }
        }
        _ => {}
    };
    let groups = move || {
        let hits = hits.get();
        CATEGORIES
            .into_iter()
            .filter_map(|category| {
                let kinds: Vec<NodeKind> =
                    hits.iter().copied().filter(|k| k.category() == category).collect();
                (!kinds.is_empty()).then(|| {
                    let items = kinds
                        .into_iter()
                        .map(|kind| {
                            let on_drag = move |ev: DragEvent| {
                                if let Some(dt) = ev.data_transfer() {
                                    let _ = dt.set_data(KIND_MIME, kind.as_str());
                                    let _ = dt.set_data("text/plain", kind.display_name());
                                    dt.set_effect_allowed("copy");
                                }
                            };
                            let on_key = move |ev: KeyboardEvent| {
                                if ev.key() == "Enter" || ev.key() == " " {
                                    ev.prevent_default();
                                    add(kind);
                                }
                            };
                            view! {
                                <li
                                    class="palette-item"
                                    tabindex="0"
                                    draggable="true"
                                    role="button"
                                    data-kind=kind.as_str()
                                    title=format!("{} ({})", kind.display_name(), kind.as_str())
                                    style=format!("--node-colour: {}", category.colour())
                                    on:dragstart=on_drag
                                    on:click=move |_| add(kind)
                                    on:keydown=on_key
                                >
                                    <span class="palette-glyph" aria-hidden="true">{glyph(category)}</span>
                                    <span class="palette-name">{kind.display_name()}</span>
                                </li>
                            }
                        })
                        .collect_view();
                    view! {
                        <section class="palette-group" id=format!("palette-{}", category.as_str()) data-category=category.as_str()>
                            <h3 style=format!("--node-colour: {}", category.colour())>
                                {category.display_name()}
                            </h3>
                            <ul>{items}</ul>
                        </section>
                    }
                })
            })
            .collect_view()
    };
    view! {
        <aside class="palette" aria-label="Node palette">
            <input
                id="palette-search"
                type="search"
                placeholder="Search nodes  ( / )"
                aria-label="Search node kinds"
                autocomplete="off"
                node_ref=search
                on:input=move |ev| query.set(event_target_value(&ev))
                on:keydown=on_search_key
            />
            <div class="palette-groups">
                {groups}
                {move || hits.with(Vec::is_empty).then(|| view! {
                    <p class="palette-empty">"No node kind matches."</p>
                })}
            </div>
        </aside>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_matches_names_wire_names_and_categories() {
        assert_eq!(matching("").len(), 24);
        assert_eq!(matching("api"), [NodeKind::EntryApi]);
        assert_eq!(matching("tool_http"), [NodeKind::ToolHttp]);
        assert!(matching("LLM").len() >= 3);
        assert!(matching("entry").contains(&NodeKind::EntrySchedule));
        assert!(matching("nothing like this").is_empty());
        // All words must match.
        assert_eq!(matching("rigid llm"), [NodeKind::LlmRigid]);
    }

    #[test]
    fn every_kind_is_in_a_listed_category() {
        for kind in NodeKind::ALL {
            assert!(CATEGORIES.contains(&kind.category()), "{kind:?}");
        }
    }
}
