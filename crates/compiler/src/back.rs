//! Back ends: each turns a validated [`Graph`] into one artifact format.

pub mod yaml;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::CompileError;
use crate::ir::Graph;

/// An artifact format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// The ScaiCore YAML manifest ScaiGrid deploys (the default).
    Yaml,
}

impl Format {
    pub const ALL: [Format; 1] = [Format::Yaml];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
        }
    }

    /// The file extension of this format, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
        }
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
            .ok_or_else(|| format!("unknown format '{s}' (expected yaml)"))
    }
}

/// A compiled artifact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub format: Format,
    pub bytes: Vec<u8>,
}

impl Output {
    /// The artifact as text, for the text formats.
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.bytes).ok()
    }
}

/// Emits `graph`, which must have passed validation, as `format`.
pub fn emit(graph: &Graph<'_>, format: Format) -> Result<Output, CompileError> {
    let bytes = match format {
        Format::Yaml => yaml::emit(graph)?.into_bytes(),
    };
    Ok(Output { format, bytes })
}
