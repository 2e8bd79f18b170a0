//! Stored rows as the API's bodies, and the version row a save writes.

use super::{Deployment, FlowSummary, VersionInfo, content, repo};
use crate::caller::{Access, Principal};
use crate::clock::rfc3339;
use crate::problem::Problem;
use repo::{FlowRow, VersionRow};
use wire::{DeployStage, DeployStatus};

pub(super) fn summary(row: FlowRow, access: Access) -> FlowSummary {
    FlowSummary {
        id: row.id,
        name: row.name,
        description: row.description,
        owner_id: row.owner_id,
        tenant_id: row.tenant_id,
        version: row.current_version,
        created_at: rfc3339(row.created_at),
        updated_at: rfc3339(row.updated_at),
        deleted_at: row.deleted_at.map(rfc3339),
        access,
    }
}

pub(super) fn version_row(
    flow: &FlowRow,
    version: &str,
    seq: i64,
    key: &object_store::path::Path,
    bytes: &[u8],
    principal: &Principal,
    now: i64,
) -> VersionRow {
    VersionRow {
        flow_id: flow.id.clone(),
        version: version.to_owned(),
        seq,
        object_key: key.to_string(),
        sha256: content::sha256_hex(bytes),
        size: bytes.len() as i64,
        author_id: principal.user_id.clone(),
        created_at: now,
    }
}

/// A deployment record as the API shows it; a status or stage this server never writes is an
/// internal error, not a guess.
pub(super) fn deployment(d: repo::DeploymentRow) -> Result<Deployment, Problem> {
    let status = DeployStatus::parse(&d.status).ok_or_else(|| {
        Problem::internal(format!("deployment '{}' has the unknown status '{}'", d.id, d.status))
    })?;
    let stage = match d.stage.as_deref() {
        None => None,
        Some(name) => Some(DeployStage::parse(name).ok_or_else(|| {
            Problem::internal(format!("deployment '{}' has the unknown stage '{name}'", d.id))
        })?),
    };
    Ok(Deployment {
        id: d.id,
        flow_id: d.flow_id,
        version: d.version,
        status,
        core_id: d.core_id,
        published_slug: d.published_slug,
        error: d.error_code,
        message: d.error_message,
        deployed_by: d.deployed_by,
        created_at: rfc3339(d.created_at),
        stage,
        finished_at: d.finished_at.map(rfc3339),
    })
}

pub(super) fn version_info(row: VersionRow) -> VersionInfo {
    VersionInfo {
        version: row.version,
        created_at: rfc3339(row.created_at),
        author_id: row.author_id,
        size: u64::try_from(row.size).unwrap_or(0),
        sha256: row.sha256,
    }
}
