//! The analysis loop of an editing session: after every change, just after the next frame is
//! painted (a burst of changes is analysed once), the flow is analysed in the browser and, while
//! the preview pane is open, compiled for its tab. The diagnostics mark the cards and edges they
//! concern on the canvas and are counted in the status bar; the preview pane shows the rest.
//! The compiler is its own piece of the browser bundle, loaded just after the editor.

use std::collections::HashMap;
use std::sync::Arc;

use compiler::{Diagnostic, Format, Severity};
use flow_model::FlowGraph;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::canvas::CanvasStore;

/// What the analysis of a session shares with the preview pane and the status bar.
#[derive(Clone, Copy)]
pub struct Analysis {
    /// The preview pane is open: the artifact of `tab` is compiled too.
    pub open: RwSignal<bool>,
    /// The pane's tab.
    pub tab: RwSignal<Tab>,
    /// Errors and warnings of the last analysis, for the status bar.
    pub tally: RwSignal<(usize, usize)>,
    /// The last result.
    pub latest: RwSignal<Option<Arc<Preview>>>,
}

impl Analysis {
    /// Starts the loop over `store`'s flow, with the pane closed on the YAML tab.
    pub fn start(store: CanvasStore) -> Analysis {
        let analysis = Analysis {
            open: RwSignal::new(false),
            tab: RwSignal::new(Tab::Yaml),
            tally: RwSignal::new((0, 0)),
            latest: RwSignal::new(None),
        };
        analysis.follow(store);
        analysis
    }

    /// Opens the pane on its Diagnostics tab.
    pub fn show_problems(self) {
        self.tab.set(Tab::Diagnostics);
        self.open.set(true);
    }

    fn follow(self, store: CanvasStore) {
        let Analysis { open, tab, .. } = self;
        // At most one run is waiting. It runs just after the next frame is painted (an
        // animation frame, then a task), so the edit shows first and input is never held up;
        // it reads the flow as it is when it runs, so a burst of edits is analysed once and a
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
                        // Closed, the pane needs diagnostics only: no artifact is compiled.
                        let wanted = if open.get_untracked() {
                            tab.get_untracked()
                        } else {
                            Tab::Diagnostics
                        };
                        spawn_local(async move {
                            self.show(store, render_apart(store, wanted).await);
                        });
                    },
                    std::time::Duration::ZERO,
                );
            });
        });
    }

    /// Marks the canvas, counts the problems and keeps `preview` for the pane, unless a newer
    /// result is already shown: runs that waited for the compiler's piece of the bundle may
    /// finish out of order.
    fn show(self, store: CanvasStore, preview: Preview) {
        let stale = self.latest.with_untracked(|latest| {
            latest.as_ref().is_some_and(|latest| latest.revision > preview.revision)
        });
        if stale {
            return;
        }
        store.set_problems(problems(&preview.diagnostics));
        if store.diagnostics.with_untracked(|d| **d != preview.diagnostics) {
            store.diagnostics.set(Arc::new(preview.diagnostics.clone()));
        }
        let errors = preview.diagnostics.iter().filter(|d| d.is_error()).count();
        let counts = (errors, preview.diagnostics.len() - errors);
        if self.tally.get_untracked() != counts {
            self.tally.set(counts);
        }
        self.latest.set(Some(Arc::new(preview)));
    }
}

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

    pub fn label(self) -> &'static str {
        match self {
            Tab::Yaml => "YAML",
            Tab::Ir => "IR",
            Tab::Scai => ".scai",
            Tab::Diagnostics => "Diagnostics",
        }
    }

    pub fn key(self) -> &'static str {
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
        let text = match (out.text(), &out.module) {
            (Some(text), _) => text.to_owned(),
            // The module the bytes encode, shown as JSON (never decoded from the bytes).
            (None, Some(module)) => serde_json::to_string_pretty(module)
                .unwrap_or_else(|e| format!("(the IR cannot be shown: {e})")),
            (None, None) => "(the IR cannot be shown)".to_owned(),
        };
        Some((text, out.bytes))
    });
    let (text, bytes) = artifact.unzip();
    let lines = text.as_deref().map(line_starts).unwrap_or_default();
    Preview { revision, tab, diagnostics, text, draft: has_errors, bytes, lines }
}

/// [`render`] on the flow as the canvas holds it, read in place (not copied), from the piece
/// of the bundle that holds the compiler: the editor is on screen before that piece loads, and
/// the badges follow. The flow and its revision are read once the piece is in, so the result
/// is never older than the flow at the time it was computed.
#[cfg_attr(feature = "split", leptos::lazy)]
async fn render_apart(store: CanvasStore, tab: Tab) -> Preview {
    let revision = store.revision.get_untracked();
    store.with_scene(|scene| render(scene.flow(), tab, revision))
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
