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
    let flow = parse_flow(&text).map(|mut flow| {
        flow.id = crate::canvas::fresh_ids().next("flow", |_| false);
        flow
    });
    Some((name, flow))
}

/// Parses `text` as FlowGraph JSON when it looks like JSON, else as a YAML manifest.
pub fn parse_flow(text: &str) -> Result<FlowGraph, String> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') {
        FlowGraph::from_json(trimmed).map_err(|e| format!("not a FlowGraph document: {e}"))
    } else if trimmed.is_empty() {
        Err("the file is empty".to_owned())
    } else {
        compiler::import::from_yaml(trimmed).map_err(|e| format!("not a ScaiCore manifest: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use flow_model::EXAMPLES;

    use super::*;

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
