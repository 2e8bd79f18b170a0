//! Compute kinds: a ScaiBunker sandbox's life, each a `scaibunker` plugin call.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::flow_config::{Lifecycle, NetworkProfile};

/// `compute_provision`: `scaibunker.create(...)`, returns the bunker handle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct ComputeProvision {
    /// Sandbox image (e.g. `python-3.12`).
    pub image: String,
    /// How long the sandbox lives: per invocation, session, persistent or appliance.
    pub lifecycle: Lifecycle,
    /// CPU share in thousandths of a core (1000 = one core).
    #[schemars(range(min = 1), extend("x-label" = "CPU millicores"))]
    pub cpu_millicores: u32,
    /// Memory limit in MB.
    #[schemars(range(min = 1), extend("x-label" = "Memory MB"))]
    pub memory_mb: u32,
    /// Disk limit in MB; the ScaiBunker default when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1), extend("x-label" = "Disk MB"))]
    pub disk_mb: Option<u32>,
    /// What the sandbox may reach on the network; fixed at creation.
    pub network_profile: NetworkProfile,
    /// Variable the sandbox handle is bound to; the node id when unset.
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
    /// The command as argv, one argument per line; arguments may be templates.
    pub command: Vec<String>,
    /// Seconds before the command is stopped.
    #[schemars(range(min = 1), extend("x-label" = "Timeout (s)"))]
    pub timeout_s: u32,
    /// Variable the exec result (exit code, stdout, stderr) is bound to; the node id when unset.
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
    /// Path of the file inside the sandbox.
    pub path: String,
    /// The file's content; templates allowed.
    #[schemars(extend("x-widget" = "multiline"))]
    pub content: String,
}

/// `compute_file_download`: `scaibunker.read_file(path)`, returns the content.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct ComputeFileDownload {
    /// Path of the file inside the sandbox.
    pub path: String,
    /// Variable the file's content is bound to; the node id when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_binding: Option<String>,
}

/// `compute_destroy`: `scaibunker.destroy()`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct ComputeDestroy {}
