//! Live preview, compiled in the browser: the flow's YAML manifest, its SCIR IR (the module
//! shown as readable JSON) or its `.scai` text, and its diagnostics, as the session's analysis
//! ([`crate::session::analysis`]) last made them, with no server round trip.

use std::collections::HashMap;
use std::sync::Arc;

use compiler::Diagnostic;
use leptos::prelude::*;

use crate::browser;
use crate::canvas::CanvasStore;
use crate::diagnostics::diagnostic_row;
use crate::highlight::{self, Lang};
use crate::session::analysis::{Analysis, Preview, Tab};

/// Height of one line of the artifact text (the CSS sets the same).
const LINE_HEIGHT: f64 = 18.0;
/// Lines kept in the page above the first one in view.
const OVERSCAN: usize = 40;
/// Lines in the page at a time: the view and the overscan on both sides, for panes up to
/// about 2,400 px tall.
const WINDOW: usize = 220;

/// The preview pane: the artifact of its tab, or the diagnostics, of the session's last analysis.
/// It starts closed, so what it shows comes from its own piece of the bundle when it is first
/// opened, and stays in the page after.
#[component]
pub fn PreviewPane(store: CanvasStore, analysis: Analysis) -> impl IntoView {
    let open = analysis.open;
    let opened = Memo::new(move |was: Option<&bool>| was == Some(&true) || open.get());
    let content = move || opened.get().then(|| Suspend::new(preview_content(store, analysis)));
    view! {
        <aside id="preview" class="preview" aria-label="Live preview" hidden=move || !open.get()>
            {content}
        </aside>
    }
}

/// The pane's tabs and body, from the preview's piece of the bundle.
#[cfg_attr(feature = "split", leptos::lazy)]
async fn preview_content(store: CanvasStore, analysis: Analysis) -> AnyView {
    view! { <PreviewContent store analysis/> }.into_any()
}

#[component]
fn PreviewContent(store: CanvasStore, analysis: Analysis) -> impl IntoView {
    let Analysis { tab, latest: shown, .. } = analysis;
    // The last preview of each tab that had a text: shown, marked out of date, should a flow
    // ever be beyond drafting.
    let last_text = StoredValue::new(HashMap::<Tab, Arc<Preview>>::new());
    Effect::new(move |_| {
        if let Some(preview) = shown.get().filter(|p| p.text.is_some()) {
            last_text.update_value(|l| {
                l.insert(preview.tab, preview);
            });
        }
    });
    // How far the text is scrolled, in pixels.
    let scroll = RwSignal::new(0.0);
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
        <div class="preview-tabs" role="tablist">{tabs}</div>
        <div class="preview-body" on:scroll=on_scroll>{body}</div>
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
    use super::*;

    #[test]
    fn coloured_text_is_escaped_html() {
        let html = coloured("key: \"<b>&\"\n# done\n", Lang::Yaml);
        assert_eq!(
            html,
            "<span class=\"tok-key\">key:</span> <span class=\"tok-string\">&quot;&lt;b&gt;&amp;&quot;</span>\n<span class=\"tok-comment\"># done</span>\n"
        );
    }
}
