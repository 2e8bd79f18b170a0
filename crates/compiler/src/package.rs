//! Catalog packages (`.scaipkg`): a deterministic zip of `flow.json`, the compiled
//! `manifest.yaml`, `package.json` and an optional `README.md`. The same inputs always give the
//! same bytes (fixed entry order, timestamps and permissions), so packages can be compared and
//! hashed.

use std::io::{Cursor, Read, Write};

use flow_model::FlowGraph;
use serde::{Deserialize, Serialize};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

pub use crate::names::is_semver;
use crate::names::{is_slug, slug};
use crate::{CompileError, Format, compile_flow};

/// `package.json`'s `format`.
pub const FORMAT: &str = "scaipkg/1";

/// What `package.json` says about a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageInfo {
    pub format: String,
    /// Tenant-scoped slug, e.g. `customer-support-v2`.
    pub package_id: String,
    pub name: String,
    /// Semver, e.g. `0.1.0`.
    pub version: String,
    pub description: String,
    pub flow_id: String,
    pub flow_version: String,
    pub scaicore_target: Option<String>,
}

impl PackageInfo {
    /// Package metadata for `flow` with the documented defaults: id = slug of the flow name,
    /// name = flow name, version `0.1.0`, empty description.
    pub fn for_flow(flow: &FlowGraph) -> PackageInfo {
        PackageInfo {
            format: FORMAT.into(),
            package_id: slug(&flow.name),
            name: flow.name.clone(),
            version: "0.1.0".into(),
            description: String::new(),
            flow_id: flow.id.clone(),
            flow_version: flow.version.clone(),
            scaicore_target: flow.scaicore_target.clone(),
        }
    }
}

/// A package's contents.
#[derive(Debug, Clone, PartialEq)]
pub struct Package {
    pub info: PackageInfo,
    pub flow: FlowGraph,
    pub manifest: String,
    pub readme: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error("package id '{0}' must be a slug: lower-case letters, digits and dashes")]
    InvalidId(String),
    #[error("version '{0}' must be semver MAJOR.MINOR.PATCH, e.g. 0.1.0")]
    InvalidVersion(String),
    #[error(transparent)]
    Compile(#[from] CompileError),
    #[error("not a .scaipkg: {0}")]
    Malformed(String),
}

/// Builds the package bytes; fails when the flow does not compile.
pub fn build(
    flow: &FlowGraph,
    info: &PackageInfo,
    readme: Option<&str>,
) -> Result<Vec<u8>, PackageError> {
    if !is_slug(&info.package_id) {
        return Err(PackageError::InvalidId(info.package_id.clone()));
    }
    if !is_semver(&info.version) {
        return Err(PackageError::InvalidVersion(info.version.clone()));
    }
    let manifest = compile_flow(flow, Format::Yaml)?;
    let mut files: Vec<(&str, Vec<u8>)> = vec![
        ("package.json", pretty(info).into_bytes()),
        ("flow.json", (flow.to_json_pretty() + "\n").into_bytes()),
        ("manifest.yaml", manifest.bytes),
    ];
    if let Some(readme) = readme {
        files.push(("README.md", readme.as_bytes().to_vec()));
    }

    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in files {
        zip.start_file(name, options).map_err(|e| PackageError::Malformed(e.to_string()))?;
        zip.write_all(&bytes).map_err(|e| PackageError::Malformed(e.to_string()))?;
    }
    let cursor = zip.finish().map_err(|e| PackageError::Malformed(e.to_string()))?;
    Ok(cursor.into_inner())
}

/// Reads a package back.
pub fn read(bytes: &[u8]) -> Result<Package, PackageError> {
    let malformed = |e: &dyn std::fmt::Display| PackageError::Malformed(e.to_string());
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| malformed(&e))?;
    let mut text = |name: &str| -> Result<Option<String>, PackageError> {
        let mut file = match archive.by_name(name) {
            Ok(file) => file,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(malformed(&e)),
        };
        let mut text = String::new();
        file.read_to_string(&mut text).map_err(|e| malformed(&e))?;
        Ok(Some(text))
    };
    let missing = |name: &str| PackageError::Malformed(format!("{name} is missing"));
    let info = text("package.json")?.ok_or_else(|| missing("package.json"))?;
    let info: PackageInfo =
        serde_json::from_str(&info).map_err(|e| malformed(&format!("package.json: {e}")))?;
    let flow = text("flow.json")?.ok_or_else(|| missing("flow.json"))?;
    let flow = FlowGraph::from_json(&flow).map_err(|e| malformed(&format!("flow.json: {e}")))?;
    let manifest = text("manifest.yaml")?.ok_or_else(|| missing("manifest.yaml"))?;
    let readme = text("README.md")?;
    Ok(Package { info, flow, manifest, readme })
}

fn pretty<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> FlowGraph {
        FlowGraph::from_json(flow_model::EXAMPLES[0].json).unwrap()
    }

    #[test]
    fn packages_are_deterministic_and_read_back() {
        let flow = example();
        let mut info = PackageInfo::for_flow(&flow);
        info.description = "Triage + KB + HITL".into();
        let a = build(&flow, &info, Some("# Customer Support\n")).unwrap();
        let b = build(&flow, &info, Some("# Customer Support\n")).unwrap();
        assert_eq!(a, b);
        let package = read(&a).unwrap();
        assert_eq!(package.info, info);
        assert_eq!(package.info.package_id, "customer-support");
        assert_eq!(package.flow, flow);
        assert!(package.manifest.starts_with("core:\n"));
        assert_eq!(package.readme.as_deref(), Some("# Customer Support\n"));
    }

    #[test]
    fn bad_metadata_and_broken_flows_are_refused() {
        let flow = example();
        let mut info = PackageInfo::for_flow(&flow);
        info.version = "1.0".into();
        assert!(matches!(build(&flow, &info, None), Err(PackageError::InvalidVersion(_))));
        info.version = "1.0.0".into();
        info.package_id = "Customer Support".into();
        assert!(matches!(build(&flow, &info, None), Err(PackageError::InvalidId(_))));

        let mut broken = flow.clone();
        broken.nodes.retain(|n| !n.kind.is_entry());
        let info = PackageInfo::for_flow(&broken);
        assert!(matches!(build(&broken, &info, None), Err(PackageError::Compile(_))));
        assert!(matches!(read(b"not a zip"), Err(PackageError::Malformed(_))));
    }
}
