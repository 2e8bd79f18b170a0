//! Argument checks of plugin calls against the signatures of the plugins ScaiCore ships.

use flow_model::NodeConfig as C;

use crate::diagnostic::Diagnostic;
use crate::ir::Graph;

/// A plugin method and its required arguments.
pub struct Method {
    pub name: &'static str,
    pub required: &'static [&'static str],
}

const fn method(name: &'static str, required: &'static [&'static str]) -> Method {
    Method { name, required }
}

/// Known plugins and their methods (also what the property panel suggests). Calls to other
/// plugins are not checked.
pub const KNOWN: &[(&str, &[Method])] = &[
    (
        "scaidrive",
        &[
            method("search", &["path", "query"]),
            method("list", &["path"]),
            method("read", &["path"]),
            method("write", &["path", "content"]),
            method("delete", &["path"]),
        ],
    ),
    (
        "scaibunker",
        &[
            method("create", &["image"]),
            method("exec", &["command"]),
            method("write_file", &["path", "content"]),
            method("read_file", &["path"]),
            method("destroy", &[]),
        ],
    ),
    (
        "scaiqueue",
        &[
            method("publish", &["scope", "queue", "message_type", "payload"]),
            method("consume", &["scope", "queue", "consumer_id"]),
            method("escalate", &["scope", "queue", "reason"]),
        ],
    ),
    ("http", &[method("request", &["method", "url"])]),
];

pub(super) fn check(graph: &Graph<'_>, out: &mut Vec<Diagnostic>) {
    for &n in &graph.nodes {
        let Some(C::ToolPlugin(call)) = graph.config(n) else { continue };
        let Some((_, methods)) = KNOWN.iter().find(|(alias, _)| *alias == call.plugin) else {
            continue;
        };
        let node = graph.node(n);
        let name = format!("{}.{}", call.plugin, call.method);
        let Some(method) = methods.iter().find(|m| m.name == call.method) else {
            if !call.method.is_empty() {
                let names: Vec<&str> = methods.iter().map(|m| m.name).collect();
                out.push(
                    Diagnostic::error(
                        format!(
                            "plugin call '{name}': unknown method ({} has {})",
                            call.plugin,
                            names.join(", ")
                        ),
                        format!("nodes[{n}].config.method"),
                    )
                    .on_node(&node.id),
                );
            }
            continue;
        };
        for arg in method.required.iter().filter(|a| !call.args.contains_key(**a)) {
            out.push(
                Diagnostic::error(
                    format!("plugin call '{name}': missing required arg '{arg}'"),
                    format!("nodes[{n}].config.args"),
                )
                .on_node(&node.id),
            );
        }
    }
}
