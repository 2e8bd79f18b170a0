//! Compute kinds: a ScaiBunker sandbox's life, each a `scaibunker` plugin call.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::flow_config::{Lifecycle, NetworkProfile};

/// `compute_provision`: `scaibunker.create(...)`, returns the bunker handle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct ComputeProvision {
    pub image: String,
    pub lifecycle: Lifecycle,
    pub cpu_millicores: u32,
    pub memory_mb: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_mb: Option<u32>,
    pub network_profile: NetworkProfile,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_binding: Option<String>,
}

impl Default for ComputeProvision {
    fn default() -> Self {
        Self {
            image: "python-3.12".into(),
            lifecycle: Lifecycle::Ephemeral,
            cpu_millicores: 1000,
            memory_mb: 512,
            disk_mb: None,
            network_profile: NetworkProfile::Registry,
            result_binding: None,
        }
    }
}

/// `compute_exec`: `scaibunker.exec(command, timeout_s)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct ComputeExec {
    /// argv; elements may be templates.
    pub command: Vec<String>,
    pub timeout_s: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_binding: Option<String>,
}

impl Default for ComputeExec {
    fn default() -> Self {
        Self { command: Vec::new(), timeout_s: 30, result_binding: None }
    }
}

/// `compute_file_upload`: `scaibunker.write_file(path, content)`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct ComputeFileUpload {
    pub path: String,
    pub content: String,
}

/// `compute_file_download`: `scaibunker.read_file(path)`, returns the content.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct ComputeFileDownload {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_binding: Option<String>,
}

/// `compute_destroy`: `scaibunker.destroy()`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct ComputeDestroy {}
