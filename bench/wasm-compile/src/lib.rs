//! The compiler built for the browser, for `bench/wasm-compile.sh`: a generated flow held in
//! WASM memory (as the editor holds the flow being edited) and compiled on request, so the page
//! times exactly what live preview does.

#[path = "../../../crates/compiler/tests/it/flowgen.rs"]
mod flowgen;

use compiler::{Format, analyze, compile_flow};
use flow_model::FlowGraph;
use wasm_bindgen::prelude::*;

/// A generated flow of about `size` nodes.
#[wasm_bindgen]
pub struct Bench {
    flow: FlowGraph,
}

#[wasm_bindgen]
impl Bench {
    #[wasm_bindgen(constructor)]
    pub fn new(size: usize) -> Bench {
        Bench { flow: flowgen::sized(size, 42) }
    }

    pub fn nodes(&self) -> usize {
        self.flow.nodes.len()
    }

    /// Analyses the flow; returns the number of diagnostics.
    pub fn analyze(&self) -> usize {
        analyze(&self.flow).len()
    }

    /// Analyses and compiles the flow to `format` (`yaml`, `ir`, `scai`); returns the artifact's
    /// size in bytes.
    pub fn compile(&self, format: &str) -> Result<usize, JsError> {
        let format: Format = format.parse().map_err(|e: String| JsError::new(&e))?;
        let output = compile_flow(&self.flow, format).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(output.bytes.len())
    }
}
