//! The ScaiFlow compiler: FlowGraph (wire model) → resolved graph (IR) → analysis → artifact.
//!
//! A pipeline of pure functions with no IO: [`front`] lowers the document into [`ir`],
//! [`valid`] returns every diagnostic at once, and [`back`] emits an artifact from a graph
//! that passed validation. The browser (WASM) and the server run the same code.

pub mod back;
pub mod front;
pub mod import;
pub mod ir;
#[cfg(feature = "package")]
pub mod package;
pub mod valid;

mod diagnostic;
pub mod names;

use flow_model::FlowGraph;

pub use back::scir::{self, DecodeError, IRModule, VerifyError, decode, verify};
pub use back::{Format, Output};
pub use diagnostic::{Diagnostic, Severity};
pub use import::{ImportError, from_yaml};

/// Every problem found in `flow`, errors and warnings.
pub fn analyze(flow: &FlowGraph) -> Vec<Diagnostic> {
    let (graph, mut diagnostics) = front::lower(flow);
    diagnostics.extend(valid::validate(&graph).1);
    diagnostics
}

/// Why a flow did not compile.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CompileError {
    /// The flow has errors; `diagnostics` holds all of them (and the warnings).
    #[error("flow does not compile: {}", summary(diagnostics))]
    Invalid { diagnostics: Vec<Diagnostic> },
    /// The artifact could not be written (a bug, never the flow's fault).
    #[error("cannot write the {format} artifact: {message}")]
    Encode { format: &'static str, message: String },
}

impl CompileError {
    /// The diagnostics behind the failure.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            CompileError::Invalid { diagnostics } => diagnostics,
            CompileError::Encode { .. } => &[],
        }
    }
}

/// Compiles `flow` to `format`. Fails, with every diagnostic, when any of them is an error.
pub fn compile_flow(flow: &FlowGraph, format: Format) -> Result<Output, CompileError> {
    let (graph, mut diagnostics) = front::lower(flow);
    let (program, found) = valid::validate(&graph);
    diagnostics.extend(found);
    match program {
        Some(program) if !diagnostics.iter().any(Diagnostic::is_error) => {
            back::emit(&graph, &program, format)
        }
        _ => Err(CompileError::Invalid { diagnostics }),
    }
}

/// What the live preview shows of a flow that does not compile: the artifact of what can be
/// compiled, with the errors written at its top. It is never deployable (`compile_flow`
/// refuses the same flow); it lets a flow that is still being drawn be read as it grows.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub output: Output,
    /// Every diagnostic of the flow as it is (the draft's errors are among them).
    pub diagnostics: Vec<Diagnostic>,
}

/// The best-effort artifact of `flow` in `format`: the program as far as it structures (nodes
/// no entry reaches are left out; a cycle is cut at the edge that closes it), emitted with the
/// errors above it as comments (YAML and `.scai`; the IR has nowhere to put them). A flow
/// without errors drafts as exactly its artifact. `None` only when not even that can be
/// written.
pub fn draft(flow: &FlowGraph, format: Format) -> Option<Draft> {
    let (graph, mut diagnostics) = front::lower(flow);
    let (program, found) = valid::validate(&graph);
    diagnostics.extend(found);
    let output = match program {
        Some(program) => back::emit(&graph, &program, format).ok()?,
        None => {
            // A cycle: draft the flow without the edges that close one.
            let closing: Vec<&str> = diagnostics
                .iter()
                .filter(|d| d.message.starts_with("cycle detected"))
                .filter_map(|d| d.edge_id.as_deref())
                .collect();
            let mut cut = flow.clone();
            cut.edges.retain(|e| !closing.contains(&e.id.as_str()));
            let (graph, _) = front::lower(&cut);
            let (program, _) = valid::validate(&graph);
            back::emit(&graph, &program?, format).ok()?
        }
    };
    let errors: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.is_error()).collect();
    let comment = match format {
        _ if errors.is_empty() => return Some(Draft { output, diagnostics }),
        Format::Yaml => "#",
        Format::Scai => "//",
        Format::Ir => return Some(Draft { output, diagnostics }),
    };
    let verb = if errors.len() == 1 { "keeps" } else { "keep" };
    let mut text = format!(
        "{comment} Draft: {} {verb} this flow from compiling, so it cannot be deployed yet.\n",
        plural(errors.len(), "error")
    );
    for d in &errors {
        let place = d.node_id.as_deref().or(d.edge_id.as_deref()).unwrap_or(&d.path);
        text.push_str(&format!("{comment} error at {place}: {}\n", d.message.replace('\n', " ")));
    }
    text.push_str(std::str::from_utf8(&output.bytes).ok()?);
    Some(Draft { output: Output { format, bytes: text.into_bytes(), module: None }, diagnostics })
}

fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn summary(diagnostics: &[Diagnostic]) -> String {
    let errors: Vec<&str> =
        diagnostics.iter().filter(|d| d.is_error()).map(|d| d.message.as_str()).collect();
    errors.join("; ")
}
