//! The ScaiFlow compiler: FlowGraph (wire model) → resolved graph (IR) → analysis → artifact.
//!
//! A pipeline of pure functions with no IO: [`front`] lowers the document into [`ir`],
//! [`valid`] returns every diagnostic at once, and [`back`] emits an artifact from a graph
//! that passed validation. The browser (WASM) and the server run the same code.

pub mod back;
pub mod front;
pub mod import;
pub mod ir;
pub mod package;
pub mod valid;

mod diagnostic;

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

fn summary(diagnostics: &[Diagnostic]) -> String {
    let errors: Vec<&str> =
        diagnostics.iter().filter(|d| d.is_error()).map(|d| d.message.as_str()).collect();
    errors.join("; ")
}
