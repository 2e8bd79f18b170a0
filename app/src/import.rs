//! Reading a flow from a file's text: FlowGraph JSON, or a YAML manifest (compiled by ScaiFlow
//! or written by hand) turned back into a graph by the compiler's importer.

use flow_model::FlowGraph;

/// Reads the file picked in `input` (and clears the input, so the same file can be picked
/// again) as a new flow with a fresh id: its name, and the flow or why it could not be read.
/// `None` when nothing was picked.
pub async fn picked_file(
    input: &web_sys::HtmlInputElement,
) -> Option<(String, Result<FlowGraph, String>)> {
    let picked = crate::browser::read_picked_file(input).await;
    input.set_value("");
    let (name, text) = picked?;
    let flow = parse(&text).await.map(|mut flow| {
        flow.id = crate::canvas::fresh_ids().next("flow", |_| false);
        flow
    });
    Some((name, flow))
}

/// A file's text as a flow: a FlowGraph document, or a ScaiCore manifest read back (by the
/// importer's own piece of the bundle, fetched the first time a manifest is imported).
async fn parse(text: &str) -> Result<FlowGraph, String> {
    match kind_of(text) {
        Text::Json(json) => from_json(json),
        Text::Manifest(yaml) => from_manifest_apart(yaml.to_owned()).await,
        Text::Empty => Err(EMPTY.to_owned()),
    }
}

const EMPTY: &str = "the file is empty";

/// What a file's text looks like (JSON when it starts with `{`), without a byte-order mark and
/// leading blanks.
enum Text<'t> {
    Json(&'t str),
    Manifest(&'t str),
    Empty,
}

fn kind_of(text: &str) -> Text<'_> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') {
        Text::Json(trimmed)
    } else if trimmed.is_empty() {
        Text::Empty
    } else {
        Text::Manifest(trimmed)
    }
}

fn from_json(json: &str) -> Result<FlowGraph, String> {
    FlowGraph::from_json(json).map_err(|e| format!("not a FlowGraph document: {e}"))
}

fn from_manifest(yaml: &str) -> Result<FlowGraph, String> {
    compiler::import::from_yaml(yaml).map_err(|e| format!("not a ScaiCore manifest: {e}"))
}

/// [`from_manifest`], from its own piece of the bundle (the YAML reader and the importer):
/// loaded when a manifest is first imported.
#[cfg_attr(feature = "split", leptos::lazy)]
async fn from_manifest_apart(yaml: String) -> Result<FlowGraph, String> {
    from_manifest(&yaml)
}

#[cfg(test)]
mod tests {
    use flow_model::EXAMPLES;

    use super::*;

    /// What [`picked_file`] makes of a file's text, without the browser: natively the
    /// importer is no piece of its own, so [`parse`] is ready at its first poll.
    fn parse_flow(text: &str) -> Result<FlowGraph, String> {
        use std::task::{Context, Poll, Waker};
        match std::pin::pin!(parse(text)).poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(flow) => flow,
            Poll::Pending => panic!("parsing waited for something natively"),
        }
    }

    #[test]
    fn json_and_compiled_yaml_both_import() {
        let flow = FlowGraph::from_json(EXAMPLES[0].json).unwrap();
        assert_eq!(parse_flow(EXAMPLES[0].json).unwrap(), flow);
        let yaml = compiler::compile_flow(&flow, compiler::Format::Yaml).unwrap();
        let imported = parse_flow(yaml.text().unwrap()).unwrap();
        assert_eq!(imported.nodes.len(), flow.nodes.len());
        assert_eq!(imported.edges.len(), flow.edges.len());
    }

    #[test]
    fn bad_files_say_what_they_are_not() {
        assert!(parse_flow("").unwrap_err().contains("empty"));
        assert!(parse_flow("{\"id\": 1}").unwrap_err().starts_with("not a FlowGraph"));
        assert!(parse_flow("just: [text").unwrap_err().starts_with("not a ScaiCore manifest"));
    }
}
