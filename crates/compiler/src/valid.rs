//! Analysis: every check of a resolved graph, returning all findings at once, and the
//! structuring that turns the graph into the program the back ends emit.

mod graph;
mod nodes;
pub mod plugins;
mod queues;
mod registry;
mod structure;

pub use crate::names::slug;
pub(crate) use nodes::{duration_seconds, is_identifier, result_binding};

use crate::diagnostic::Diagnostic;
use crate::ir::{Graph, Program};

/// Runs every check and, when the graph has no cycle, structures it. The program is `None`
/// only for cyclic graphs; otherwise it is built even when there are errors (for diagnostics),
/// but only an error-free program may be emitted.
pub fn validate(graph: &Graph<'_>) -> (Option<Program>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    graph::document(graph, &mut diagnostics);
    graph::entry_points(graph, &mut diagnostics);
    graph::conditions(graph, &mut diagnostics);
    let cyclic = graph::cycles(graph, &mut diagnostics);
    graph::unused_outputs(graph, &mut diagnostics);
    registry::check(graph, &mut diagnostics);
    nodes::check(graph, &mut diagnostics);
    queues::check(graph, &mut diagnostics);
    plugins::check(graph, &mut diagnostics);
    if cyclic {
        return (None, diagnostics);
    }
    let (program, found) = structure::structure(graph);
    diagnostics.extend(found);
    (Some(program), diagnostics)
}
