//! The editor page: the flow canvas with its chrome, opened on the bundled example flow.

use flow_model::{EXAMPLES, FlowGraph};
use leptos::prelude::*;

use crate::canvas::{Canvas, CanvasStore, ZoomControls};

/// The flow editor.
#[component]
pub fn EditorPage() -> impl IntoView {
    let example = EXAMPLES[0];
    match FlowGraph::from_json(example.json) {
        Ok(flow) => view! { <Editor flow/> }.into_any(),
        Err(error) => view! {
            <div class="load-error" role="alert">
                <h1>"This flow could not be opened"</h1>
                <p>{format!("{}: {error}", example.title)}</p>
            </div>
        }
        .into_any(),
    }
}

#[component]
fn Editor(flow: FlowGraph) -> impl IntoView {
    let store = CanvasStore::new(flow);
    // Effects run only in the browser, after hydration: the attribute tells people and tests
    // that the page is interactive, and the first fit needs the canvas's real size.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| {
        store.fit_to_view();
        hydrated.set(true);
    });

    let name = move || store.flow.with(|f| f.name.clone());
    let version = move || store.flow.with(|f| format!("v{}", f.version));
    let counts =
        move || store.flow.with(|f| format!("{} nodes · {} edges", f.nodes.len(), f.edges.len()));

    view! {
        <div class="editor" data-hydrated=move || hydrated.get().to_string()>
            <header class="topbar">
                <span class="brand">"ScaiFlow"</span>
                <span class="flow-name">{name}</span>
                <span class="flow-version">{version}</span>
            </header>
            <main class="workspace">
                <Canvas store/>
                <ZoomControls store/>
            </main>
            <footer class="statusbar">
                <span class="flow-counts">{counts}</span>
            </footer>
        </div>
    }
}
