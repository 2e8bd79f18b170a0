//! Back ends: each turns a validated program into one artifact format.

pub mod op;
pub mod scai;
pub mod scir;
pub mod yaml;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::CompileError;
use crate::ir::{Graph, Program};

/// An artifact format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// The ScaiCore YAML manifest ScaiGrid deploys (the default).
    Yaml,
    /// The SCIR MessagePack IR bundle (`SCIR` magic), for verification and direct runtime use.
    Ir,
    /// `.scai` source text, for people to read (deprecated upstream).
    Scai,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Yaml, Format::Ir, Format::Scai];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Ir => "ir",
            Format::Scai => "scai",
        }
    }

    /// The file extension of this format, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Ir => "scir",
            Format::Scai => "scai",
        }
    }

    /// Text formats can be shown as they are; the IR is binary.
    pub fn is_text(self) -> bool {
        !matches!(self, Format::Ir)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| format!("unknown format '{s}' (expected yaml, ir or scai)"))
    }
}

/// A compiled artifact.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub format: Format,
    pub bytes: Vec<u8>,
    /// For the IR, the module `bytes` encode, so a reader (the live preview) can show it
    /// without decoding the MessagePack again.
    pub module: Option<scir::IRModule>,
}

impl Output {
    /// The artifact as text, for the text formats.
    pub fn text(&self) -> Option<&str> {
        if self.format.is_text() { std::str::from_utf8(&self.bytes).ok() } else { None }
    }
}

/// Emits `program`, which must be free of errors, as `format`.
pub fn emit(graph: &Graph<'_>, program: &Program, format: Format) -> Result<Output, CompileError> {
    let (bytes, module) = match format {
        Format::Yaml => (yaml::emit(graph, program).into_bytes(), None),
        Format::Ir => {
            let module = scir::module(graph, program);
            (scir::encode(&module)?, Some(module))
        }
        Format::Scai => (scai::emit(graph, program).into_bytes(), None),
    };
    Ok(Output { format, bytes, module })
}
