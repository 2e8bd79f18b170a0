//! Example flows bundled with the editor, as their JSON text.
//!
//! They are kept as text, not built in code, so they are exactly what a user would load from a
//! file; callers parse them with [`crate::FlowGraph::from_json`] like any other document.

/// A bundled example flow.
#[derive(Debug, Clone, Copy)]
pub struct Example {
    /// Stable key (`customer-support`), used in URLs and tests.
    pub key: &'static str,
    pub title: &'static str,
    pub json: &'static str,
}

/// Every bundled example; the first is the one a new editor opens with.
pub const EXAMPLES: &[Example] = &[
    Example {
        key: "customer-support",
        title: "Customer Support",
        json: include_str!("../flows/customer-support.flow.json"),
    },
    Example {
        key: "expense-approver",
        title: "Expense Approver",
        json: include_str!("../flows/expense-approver.flow.json"),
    },
    Example {
        key: "hello-world",
        title: "Hello World",
        json: include_str!("../flows/hello-world.flow.json"),
    },
];

/// The bundled example with this key.
pub fn example(key: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.key == key)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::FlowGraph;

    #[test]
    fn every_example_parses_and_its_edges_name_existing_ports() {
        for example in EXAMPLES {
            let flow = FlowGraph::from_json(example.json)
                .unwrap_or_else(|e| panic!("{}: {e}", example.key));
            assert!(flow.nodes.len() >= 2, "{}", example.key);
            let ids: HashSet<&str> = flow.nodes.iter().map(|n| n.id.as_str()).collect();
            assert_eq!(ids.len(), flow.nodes.len(), "{}: duplicate node id", example.key);
            for edge in &flow.edges {
                let source = flow.node(&edge.source.node).expect("edge source node");
                let target = flow.node(&edge.target.node).expect("edge target node");
                assert!(source.output(&edge.source.port).is_some(), "{}", edge.id);
                assert!(target.input(&edge.target.port).is_some(), "{}", edge.id);
            }
        }
    }
}
