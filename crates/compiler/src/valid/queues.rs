//! The ScaiQueue topology and the nodes that use queues.

use std::collections::HashSet;

use flow_model::NodeConfig as C;

use crate::diagnostic::Diagnostic;
use crate::ir::Graph;
use crate::names::is_slug;

pub(super) fn check(graph: &Graph<'_>, out: &mut Vec<Diagnostic>) {
    let topology = graph.flow.config.as_ref().and_then(|c| c.scaiqueue.as_ref());
    if let Some(topology) = topology {
        if let Some(scope) = topology.scope.as_deref().filter(|s| !is_slug(s)) {
            out.push(Diagnostic::error(
                format!(
                    "scaiqueue scope '{scope}' must be a slug (lower-case letters, digits, '-')"
                ),
                "config.scaiqueue.scope",
            ));
        }
        let mut seen = HashSet::new();
        for (i, queue) in topology.queues.iter().enumerate() {
            let path = format!("config.scaiqueue.queues[{i}]");
            if !is_slug(&queue.slug) {
                out.push(Diagnostic::error(
                    format!(
                        "scaiqueue queue '{}' must have a slug (lower-case letters, digits, '-')",
                        queue.slug
                    ),
                    format!("{path}.slug"),
                ));
            } else if !seen.insert(queue.slug.as_str()) {
                out.push(Diagnostic::error(
                    format!("scaiqueue queue '{}' is declared twice", queue.slug),
                    format!("{path}.slug"),
                ));
            }
            if queue.max_retries > 100 {
                out.push(Diagnostic::error(
                    format!(
                        "scaiqueue queue '{}': max_retries {} is over the limit of 100",
                        queue.slug, queue.max_retries
                    ),
                    format!("{path}.max_retries"),
                ));
            }
        }
    }
    let default_scope = topology.and_then(|t| t.scope.as_deref());

    for &n in &graph.nodes {
        let Some(config) = graph.config(n) else { continue };
        let (scope, queue_field, queue) = match config {
            C::QueuePublish(c) => (c.scope.as_deref(), "queue", c.queue.as_str()),
            C::QueueConsume(c) => (c.scope.as_deref(), "queue", c.queue.as_str()),
            C::QueueEscalation(c) => {
                (c.scope.as_deref(), "escalation_queue", c.escalation_queue.as_str())
            }
            C::HitlReview(c) => (c.scope.as_deref(), "queue", c.queue.as_str()),
            _ => continue,
        };
        let node = graph.node(n);
        let id = &node.id;
        let diagnostic = |error: bool, field: &str, message: String| {
            let path = format!("nodes[{n}].config.{field}");
            let d = if error {
                Diagnostic::error(message, path)
            } else {
                Diagnostic::warning(message, path)
            };
            d.on_node(id)
        };
        if queue.trim().is_empty() {
            out.push(diagnostic(
                true,
                queue_field,
                format!("node '{id}': {} needs a {queue_field}", node.kind.as_str()),
            ));
        } else if let Some(topology) = topology
            && topology.queue(queue).is_none()
        {
            out.push(
                diagnostic(
                    false,
                    queue_field,
                    format!("node '{id}': queue '{queue}' is not declared in config.scaiqueue, so deploy will not provision it"),
                )
                .fixed_at("config.scaiqueue.queues"),
            );
        }
        if scope.or(default_scope).is_none_or(|s| s.trim().is_empty()) {
            out.push(diagnostic(
                true,
                "scope",
                format!("node '{id}': {} has no ScaiQueue scope: set scope on the node or config.scaiqueue.scope", node.kind.as_str()),
            ));
        }
        match config {
            C::QueuePublish(c) if c.message_type.trim().is_empty() => {
                out.push(diagnostic(
                    true,
                    "message_type",
                    format!("node '{id}': queue_publish needs a message_type"),
                ));
            }
            C::QueueConsume(c) if c.consumer_id.trim().is_empty() => {
                out.push(diagnostic(
                    true,
                    "consumer_id",
                    format!("node '{id}': queue_consume needs a consumer_id"),
                ));
            }
            C::QueueEscalation(c) if c.reason.trim().is_empty() => {
                out.push(diagnostic(
                    false,
                    "reason",
                    format!("node '{id}': queue_escalation gives no reason"),
                ));
            }
            _ => {}
        }
    }
}
