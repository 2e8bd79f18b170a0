//! Live preview, compiled in the browser: the flow's YAML manifest, its SCIR IR (decoded to
//! readable JSON) or its `.scai` text, and its diagnostics, redone after every change just
//! after the next frame is painted (a burst of changes is compiled once), with no server
//! round trip.
//! The diagnostics also mark the cards and edges they concern on the canvas.

use std::collections::HashMap;
use std::sync::Arc;

use compiler::{Diagnostic, Format, Severity};
use flow_model::FlowGraph;
use leptos::prelude::*;

use crate::browser;
use crate::canvas::CanvasStore;
use crate::diagnostics::diagnostic_row;
use crate::highlight::{self, Lang};

/// Height of one line of the artifact text (the CSS sets the same).
const LINE_HEIGHT: f64 = 18.0;
/// Lines kept in the page above the first one in view.
const OVERSCAN: usize = 40;
/// Lines in the page at a time: the view and the overscan on both sides, for panes up to
/// about 2,400 px tall.
const WINDOW: usize = 220;

/// The pane's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tab {
    Yaml,
    Ir,
    Scai,
    Diagnostics,
}

impl Tab {
    pub const ALL: [Tab; 4] = [Tab::Yaml, Tab::Ir, Tab::Scai, Tab::Diagnostics];

    fn label(self) -> &'static str {
        match self {
            Tab::Yaml => "YAML",
            Tab::Ir => "IR",
            Tab::Scai => ".scai",
            Tab::Diagnostics => "Diagnostics",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Tab::Yaml => "yaml",
            Tab::Ir => "ir",
            Tab::Scai => "scai",
            Tab::Diagnostics => "diagnostics",
        }
    }

    fn format(self) -> Option<Format> {
        match self {
            Tab::Yaml => Some(Format::Yaml),
            Tab::Ir => Some(Format::Ir),
            Tab::Scai => Some(Format::Scai),
            Tab::Diagnostics => None,
        }
    }
}

/// What the pane shows for one revision of the flow.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    /// The flow revision it was made from.
    pub revision: u64,
    pub tab: Tab,
    /// Every diagnostic, errors first.
    pub diagnostics: Vec<Diagnostic>,
    /// The artifact for the tab (IR as pretty JSON); for a flow with errors, the draft of what
    /// compiles so far. `None` only when not even a draft could be written.
    pub text: Option<String>,
    /// The text is a draft: the flow has errors and cannot be deployed as it is.
    pub draft: bool,
    /// The artifact's raw bytes (what a download saves; for IR the MessagePack).
    pub bytes: Option<Vec<u8>>,
    /// Where each line of `text` starts.
    pub lines: Vec<usize>,
}

impl Preview {
    /// Lines `from..to` of the text (clamped), joined as they are in it.
    pub fn lines_between(&self, from: usize, to: usize) -> &str {
        let Some(text) = &self.text else { return "" };
        let count = self.lines.len();
        let (from, to) = (from.min(count), to.min(count));
        if from >= to {
            return "";
        }
        let start = self.lines[from];
        let end = self.lines.get(to).map_or(text.len(), |&next| next);
        &text[start..end]
    }
}

/// Where each line of `text` starts (none for an empty text).
fn line_starts(text: &str) -> Vec<usize> {
    if text.is_empty() {
        return Vec::new();
    }
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1).filter(|&i| i < text.len()))
        .collect()
}

/// Analyses `flow` and, for an artifact tab, compiles it; a flow with errors is drafted (what
/// compiles so far, with the errors on top), so the pane always has something to show.
pub fn render(flow: &FlowGraph, tab: Tab, revision: u64) -> Preview {
    let mut diagnostics = compiler::analyze(flow);
    diagnostics.sort_by_key(|d| d.severity != Severity::Error);
    let has_errors = diagnostics.iter().any(Diagnostic::is_error);
    let artifact = tab.format().and_then(|format| {
        let out = if has_errors {
            compiler::draft(flow, format).map(|d| d.output)
        } else {
            compiler::compile_flow(flow, format).ok()
        }?;
        let text = match out.text() {
            Some(text) => text.to_owned(),
            None => compiler::decode(&out.bytes)
                .ok()
                .and_then(|module| serde_json::to_string_pretty(&module).ok())
                .unwrap_or_else(|| "(the IR could not be decoded)".to_owned()),
        };
        Some((text, out.bytes))
    });
    let (text, bytes) = artifact.unzip();
    let lines = text.as_deref().map(line_starts).unwrap_or_default();
    Preview { revision, tab, diagnostics, text, draft: has_errors, bytes, lines }
}

/// The worst severity per node and per edge, for the canvas's badges.
pub fn problems(diagnostics: &[Diagnostic]) -> HashMap<String, Severity> {
    let mut worst = HashMap::new();
    for d in diagnostics {
        for id in [&d.node_id, &d.edge_id].into_iter().flatten() {
            worst
                .entry(id.clone())
                .and_modify(|s: &mut Severity| {
                    if d.severity == Severity::Error {
                        *s = Severity::Error;
                    }
                })
                .or_insert(d.severity);
        }
    }
    worst
}

/// The preview pane, and the scheduling that keeps it (and the canvas's badges) current.
#[component]
pub fn PreviewPane(
    store: CanvasStore,
    open: RwSignal<bool>,
    tab: RwSignal<Tab>,
    /// Errors and warnings of the last analysis, for the status bar.
    tally: RwSignal<(usize, usize)>,
) -> impl IntoView {
    let shown = RwSignal::new(None::<Arc<Preview>>);
    // The last preview of each tab that had a text: shown, marked out of date, should a flow
    // ever be beyond drafting.
    let last_text = StoredValue::new(HashMap::<Tab, Arc<Preview>>::new());
    // How far the text is scrolled, in pixels.
    let scroll = RwSignal::new(0.0);
    // At most one compile is waiting. It runs just after the next frame is painted (an
    // animation frame, then a task), so the edit shows first and input is never held up; it
    // compiles the flow as it is when it runs, so a burst of edits is compiled once and a
    // result is never older than the flow it is shown with.
    let scheduled = StoredValue::new(false);
    Effect::new(move |_| {
        store.revision.track();
        tab.track();
        // Opening the pane compiles what its tab shows.
        open.track();
        if scheduled.get_value() {
            return;
        }
        scheduled.set_value(true);
        request_animation_frame(move || {
            set_timeout(
                move || {
                    scheduled.set_value(false);
                    let revision = store.revision.get_untracked();
                    // Closed, the pane needs diagnostics only: no artifact is compiled.
                    let wanted =
                        if open.get_untracked() { tab.get_untracked() } else { Tab::Diagnostics };
                    let preview = store.with_flow(|flow| render(flow, wanted, revision));
                    store.set_problems(problems(&preview.diagnostics));
                    if store.diagnostics.with_untracked(|d| **d != preview.diagnostics) {
                        store.diagnostics.set(Arc::new(preview.diagnostics.clone()));
                    }
                    let errors = preview.diagnostics.iter().filter(|d| d.is_error()).count();
                    let counts = (errors, preview.diagnostics.len() - errors);
                    if tally.get_untracked() != counts {
                        tally.set(counts);
                    }
                    let preview = Arc::new(preview);
                    if preview.text.is_some() {
                        last_text.update_value(|l| {
                            l.insert(preview.tab, preview.clone());
                        });
                    }
                    shown.set(Some(preview));
                },
                std::time::Duration::ZERO,
            );
        });
    });
    let tabs = Tab::ALL
        .into_iter()
        .map(|t| {
            let count = move || {
                (t == Tab::Diagnostics)
                    .then(|| shown.with(|p| p.as_ref().map(|p| p.diagnostics.len())))
                    .flatten()
                    .filter(|n| *n > 0)
                    .map(|n| format!(" ({n})"))
            };
            view! {
                <button
                    role="tab"
                    class="preview-tab"
                    data-tab=t.key()
                    aria-selected=move || (tab.get() == t).to_string()
                    on:click=move |_| tab.set(t)
                >
                    {t.label()}
                    {count}
                </button>
            }
        })
        .collect_view();

    let body = move || {
        let Some(current) = shown.get() else {
            return view! { <p class="muted">"Compiling…"</p> }.into_any();
        };
        if current.tab == Tab::Diagnostics || tab.get() == Tab::Diagnostics {
            return diagnostics_list(store, &current.diagnostics).into_any();
        }
        let errors = current.diagnostics.iter().filter(|d| d.is_error()).count();
        // What compiled last, when the current flow cannot even be drafted.
        let stale = current.text.is_none();
        let p = if stale {
            last_text.with_value(|l| l.get(&current.tab).cloned()).unwrap_or(current)
        } else {
            current
        };
        let plural = if errors == 1 { "" } else { "s" };
        let banner = if stale && p.text.is_some() {
            Some(view! {
                <p id="preview-state" class="preview-stale" role="status" data-state="stale">
                    {format!("Out of date: the flow has {errors} error{plural}; this is the last version that compiled.")}
                </p>
            }.into_any())
        } else if p.draft {
            Some(view! {
                <p id="preview-state" class="preview-draft" role="status" data-state="draft">
                    {format!("Draft: {errors} error{plural} {} this flow from compiling, so it cannot be deployed yet. Below is what compiles so far; ", if errors == 1 { "keeps" } else { "keep" })}
                    <button class="link" on:click=move |_| tab.set(Tab::Diagnostics)>"see the errors"</button>"."
                </p>
            }.into_any())
        } else {
            None
        };
        match (&p.text, &p.bytes) {
            (Some(_), Some(bytes)) => {
                let size = format!("{} bytes", bytes.len());
                let (name, mime) = match p.tab {
                    Tab::Ir => ("flow.scir", "application/msgpack"),
                    Tab::Scai => ("flow.scai", "text/plain"),
                    _ => ("flow.yaml", "application/yaml"),
                };
                // Reads the bytes from the shown preview when clicked: no copy per edit.
                let download = {
                    let p = p.clone();
                    move |_| {
                        if let Some(bytes) = &p.bytes {
                            let _ = browser::download_bytes(name, mime, bytes);
                        }
                    }
                };
                // Only the lines in view (and a screen around them) are in the page: a
                // 1,000-node manifest is over 20,000 lines, too many to lay out on every edit.
                let total = p.lines.len();
                let first = move || {
                    let line = (scroll.get() / LINE_HEIGHT) as usize;
                    line.saturating_sub(OVERSCAN).min(total)
                };
                let lang = match p.tab {
                    Tab::Scai => Lang::Scai,
                    Tab::Ir => Lang::Json,
                    _ => Lang::Yaml,
                };
                let shown_lines = {
                    let p = p.clone();
                    move || {
                        let from = first();
                        coloured(p.lines_between(from, from + WINDOW), lang)
                    }
                };
                let offset =
                    move || format!("transform: translateY({}px)", first() as f64 * LINE_HEIGHT);
                view! {
                    {banner}
                    <div class="preview-meta">
                        <span class="preview-size">{size}</span>
                        <button class="quiet" id="preview-download" on:click=download>"Download"</button>
                    </div>
                    <div
                        class="preview-lines"
                        style=format!("height: {}px", total as f64 * LINE_HEIGHT)
                    >
                        <pre class="preview-text" data-revision=p.revision data-lines=total style=offset inner_html=shown_lines></pre>
                    </div>
                }
                .into_any()
            }
            _ => view! {
                <p id="preview-state" class="preview-blocked" role="status" data-state="blocked">
                    {format!("The flow has {errors} error{plural} to fix before it compiles.")}
                </p>
                {diagnostics_list(store, &p.diagnostics)}
            }
            .into_any(),
        }
    };

    let on_scroll = move |ev: leptos::ev::Event| {
        if let Some(el) = ev
            .target()
            .and_then(|t| leptos::wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
        {
            scroll.set(f64::from(el.scroll_top()));
        }
    };

    view! {
        <aside id="preview" class="preview" aria-label="Live preview" hidden=move || !open.get()>
            <div class="preview-tabs" role="tablist">{tabs}</div>
            <div class="preview-body" on:scroll=on_scroll>{body}</div>
        </aside>
    }
}

/// `text` as HTML with coloured spans (every piece escaped): set as the `<pre>`'s inner HTML,
/// one parse instead of hundreds of nodes made one by one.
fn coloured(text: &str, lang: Lang) -> String {
    let mut html = String::with_capacity(text.len() * 2);
    for line in text.split_inclusive('\n') {
        let (body, newline) = line.strip_suffix('\n').map_or((line, ""), |body| (body, "\n"));
        for (token, piece) in highlight::tokens(body, lang) {
            match token.class() {
                Some(class) => {
                    html.push_str("<span class=\"");
                    html.push_str(class);
                    html.push_str("\">");
                    escape_into(&mut html, piece);
                    html.push_str("</span>");
                }
                None => escape_into(&mut html, piece),
            }
        }
        html.push_str(newline);
    }
    html
}

fn escape_into(html: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            c => html.push(c),
        }
    }
}

/// "2 errors, 1 warning", or `None` when there are neither.
pub fn tally_text((errors, warnings): (usize, usize)) -> Option<String> {
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => None,
        (e, 0) => Some(plural(e, "error")),
        (0, w) => Some(plural(w, "warning")),
        (e, w) => Some(format!("{}, {}", plural(e, "error"), plural(w, "warning"))),
    }
}

/// The diagnostics as a list; a click on one goes to where it is fixed.
fn diagnostics_list(store: CanvasStore, diagnostics: &[Diagnostic]) -> impl IntoView {
    if diagnostics.is_empty() {
        return view! { <p class="muted" id="no-diagnostics">"No problems found."</p> }.into_any();
    }
    let rows = diagnostics.iter().map(|d| diagnostic_row(store, d, None)).collect_view();
    view! { <ul id="diagnostics" class="diagnostics">{rows}</ul> }.into_any()
}

#[cfg(test)]
mod tests {
    use flow_model::EXAMPLES;

    use super::*;

    fn example() -> FlowGraph {
        FlowGraph::from_json(EXAMPLES[0].json).unwrap()
    }

    #[test]
    fn every_artifact_tab_renders_the_compiled_flow() {
        let flow = example();
        for tab in [Tab::Yaml, Tab::Scai] {
            let p = render(&flow, tab, 7);
            let expected = compiler::compile_flow(&flow, tab.format().unwrap()).unwrap();
            assert_eq!(p.text.as_deref(), expected.text());
            assert_eq!(p.bytes.as_deref(), Some(expected.bytes.as_slice()));
            assert_eq!(p.revision, 7);
        }
        let ir = render(&flow, Tab::Ir, 1);
        let decoded: serde_json::Value = serde_json::from_str(ir.text.as_deref().unwrap()).unwrap();
        assert!(decoded.is_object(), "the IR reads as a JSON object");
        assert!(compiler::decode(ir.bytes.as_deref().unwrap()).is_ok(), "the bytes are SCIR");
        assert!(render(&flow, Tab::Diagnostics, 1).text.is_none());
    }

    #[test]
    fn a_flow_with_errors_shows_them_first_and_a_draft() {
        let mut flow = example();
        let first = flow.edges[0].clone();
        let mut dangling = first.clone();
        dangling.id = "edge_dangling".into();
        dangling.target.node = "node_missing".into();
        flow.edges.push(dangling);
        let p = render(&flow, Tab::Yaml, 2);
        assert!(p.draft, "marked as a draft");
        let text = p.text.as_deref().unwrap();
        assert!(text.starts_with("# Draft: 1 error"), "{text}");
        assert!(text.contains("node_classify"), "what compiles is drafted: {text}");
        assert!(p.diagnostics[0].is_error());
        let worst = problems(&p.diagnostics);
        assert_eq!(worst.get("edge_dangling"), Some(&Severity::Error));
    }

    #[test]
    fn a_window_of_lines_is_cut_from_the_text() {
        let mut p = render(&example(), Tab::Yaml, 1);
        p.text = Some("a\nbb\nccc\n".into());
        p.lines = line_starts(p.text.as_deref().unwrap());
        assert_eq!(p.lines, [0, 2, 5]);
        assert_eq!(p.lines_between(0, 3), "a\nbb\nccc\n");
        assert_eq!(p.lines_between(1, 2), "bb\n");
        assert_eq!(p.lines_between(2, 99), "ccc\n");
        assert_eq!(p.lines_between(5, 9), "");
        assert_eq!(line_starts("x"), [0]);
        assert!(line_starts("").is_empty());
    }

    #[test]
    fn coloured_text_is_escaped_html() {
        let html = coloured("key: \"<b>&\"\n# done\n", Lang::Yaml);
        assert_eq!(
            html,
            "<span class=\"tok-key\">key:</span> <span class=\"tok-string\">&quot;&lt;b&gt;&amp;&quot;</span>\n<span class=\"tok-comment\"># done</span>\n"
        );
    }

    #[test]
    fn the_tally_reads_naturally() {
        assert_eq!(tally_text((0, 0)), None);
        assert_eq!(tally_text((1, 0)).as_deref(), Some("1 error"));
        assert_eq!(tally_text((0, 3)).as_deref(), Some("3 warnings"));
        assert_eq!(tally_text((2, 1)).as_deref(), Some("2 errors, 1 warning"));
    }

    #[test]
    fn the_worst_severity_wins_per_item() {
        let d = |severity, node: &str| Diagnostic {
            severity,
            message: "m".into(),
            path: String::new(),
            node_id: Some(node.into()),
            edge_id: None,
            fix_path: None,
        };
        let worst = problems(&[
            d(Severity::Warning, "a"),
            d(Severity::Error, "a"),
            d(Severity::Warning, "a"),
            d(Severity::Warning, "b"),
        ]);
        assert_eq!(worst["a"], Severity::Error);
        assert_eq!(worst["b"], Severity::Warning);
    }
}
