//! Flows: create, read, list, update (new immutable versions), soft delete and restore, with
//! tenancy and per-flow access checked on every call.
//!
//! A save is crash-safe: the new version's object is written (create-only) and verified first,
//! then one SQL transaction moves the flow's current version and records the version row. A
//! crash in between leaves an unreferenced object at most, which later saves step over and the
//! orphan sweep removes; never a row pointing at a missing object. The transaction only moves
//! the flow from the version the save started from, so concurrent saves cannot both win.

pub mod acls;
pub mod content;
pub mod deploy;
pub mod memory;
mod records;

use std::sync::Arc;

use bytes::Bytes;
use flow_model::FlowGraph;
use object_store::ObjectStore;
use serde::{Deserialize, Serialize};
pub use wire::deploy::{Deployment, DeploymentList};
pub use wire::flows::{CreateFlow, FlowPage, FlowSummary, UpdateFlow, VersionInfo, VersionList};

use crate::caller::{Access, Principal};
use crate::clock::now_millis;
use crate::grid::Grid;
use crate::problem::Problem;
use crate::storage::db::Database;
use crate::storage::flows as repo;
use content::Cache;
use memory::{RowCache, SaveLocks};
use records::{deployment, summary, version_info, version_row};
use repo::{FlowRow, ListFilter};

/// How many version numbers a save tries past objects left by interrupted saves.
const VERSION_ATTEMPTS: usize = 20;
/// How often a save without If-Match is retried after losing a race to another save.
const UNCONDITIONAL_ATTEMPTS: usize = 32;
/// The longest name a flow may have.
const NAME_LIMIT: usize = 255;

/// A flow with its current content as stored: the writer of [`wire::flows::StoredFlow`], which
/// splices the stored document in as it is (it is never parsed again on the way out).
#[derive(Debug)]
pub struct StoredFlow {
    pub summary: FlowSummary,
    /// The FlowGraph document of the current version, as stored.
    pub content: Bytes,
}

impl StoredFlow {
    /// The response body.
    pub fn to_json(&self) -> Vec<u8> {
        splice(&self.summary, &self.content)
    }
}

/// A version with its content as stored: the writer of [`wire::flows::StoredVersion`].
#[derive(Debug)]
pub struct StoredVersion {
    pub info: VersionInfo,
    pub content: Bytes,
}

impl StoredVersion {
    pub fn to_json(&self) -> Vec<u8> {
        splice(&self.info, &self.content)
    }
}

/// `{...fields of head..., "content": <stored JSON>}`.
fn splice<T: Serialize>(head: &T, content: &[u8]) -> Vec<u8> {
    let mut out = serde_json::to_vec(head).unwrap_or_else(|_| b"{}".to_vec());
    out.pop();
    if out.len() > 1 {
        out.push(b',');
    }
    out.extend_from_slice(b"\"content\":");
    out.extend_from_slice(content);
    out.push(b'}');
    out
}

/// Listing parameters.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Substring of the name, case-insensitive.
    pub search: Option<String>,
    /// Page size, 1 to 500 (default 100).
    pub limit: Option<u32>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// `true` lists the trash (soft-deleted flows) instead.
    pub deleted: Option<bool>,
}

/// The flows service: what it reads and writes, shared by every request (cheap to clone).
#[derive(Clone)]
pub struct Flows {
    db: Database,
    objects: Arc<dyn ObjectStore>,
    /// Flow contents recently read or written (versions never change, so never stale).
    content: Arc<Cache>,
    /// Saves (and deploys) of one flow through this process, one at a time.
    save_locks: Arc<SaveLocks>,
    /// Flow rows recently read, for reads.
    rows: Arc<RowCache>,
    /// The ScaiGrid credential of each deploy.
    grid: Grid,
}

impl Flows {
    /// The service over `db` and `objects`, keeping up to `cache_bytes` of flow contents in
    /// memory.
    pub fn new(
        db: Database,
        objects: Arc<dyn ObjectStore>,
        cache_bytes: usize,
        grid: Grid,
    ) -> Self {
        Flows {
            db,
            objects,
            content: Arc::new(Cache::new(cache_bytes)),
            save_locks: Arc::new(SaveLocks::default()),
            rows: Arc::new(RowCache::default()),
            grid,
        }
    }

    pub async fn list(&self, principal: &Principal, query: ListQuery) -> Result<FlowPage, Problem> {
        let limit = query.limit.unwrap_or(100);
        if !(1..=500).contains(&limit) {
            return Err(Problem::invalid("limit must be between 1 and 500", "/limit"));
        }
        let after = query.cursor.as_deref().map(decode_cursor).transpose()?;
        let filter = ListFilter {
            search: query.search.filter(|s| !s.is_empty()),
            deleted: query.deleted.unwrap_or(false),
            after,
            limit: limit + 1,
        };
        let (mut rows, total) =
            repo::list(&self.db, principal, &filter).await.map_err(Problem::internal)?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next_cursor =
            if more { rows.last().map(|r| encode_cursor(&r.name, &r.id)) } else { None };
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let access = self.access(principal, &row).await?.unwrap_or(Access::View);
            items.push(summary(row, access));
        }
        Ok(FlowPage { items, total: u64::try_from(total).unwrap_or(0), next_cursor })
    }

    pub async fn create(
        &self,
        principal: &Principal,
        request: CreateFlow,
    ) -> Result<StoredFlow, Problem> {
        let name = checked_name(&request.name)?;
        let description = request.description.unwrap_or_default();
        let mut content = request.content;
        let id = format!("flow_{}", uuid::Uuid::new_v4().simple());
        let version = if compiler::names::is_semver(&content.version) {
            content.version.clone()
        } else {
            "1.0.0".to_owned()
        };
        content.id = id.clone();
        content.version = version.clone();
        let bytes = Bytes::from(encode(&content));
        let now = now_millis();
        let key = content::key(&principal.tenant_id, &id, &version);
        match content::create(self.objects.as_ref(), &key, bytes.clone())
            .await
            .map_err(Problem::internal)?
        {
            content::Created::Stored => {}
            // A fresh id cannot collide unless the store is shared with a broken writer.
            content::Created::Taken => {
                return Err(Problem::internal(format!("object {key} already exists")));
            }
        }
        let row = FlowRow {
            id: id.clone(),
            tenant_id: principal.tenant_id.clone(),
            owner_id: principal.user_id.clone(),
            name,
            description,
            current_version: version.clone(),
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        let first = version_row(&row, &version, 1, &key, &bytes, principal, now);
        if let Err(e) = repo::create(&self.db, &row, &first).await {
            content::discard(self.objects.as_ref(), &key).await;
            return Err(Problem::internal(e));
        }
        self.content.insert(key.as_ref(), bytes.clone());
        self.rows.put(&row);
        Ok(StoredFlow { summary: summary(row, Access::Admin), content: bytes })
    }

    pub async fn get(&self, principal: &Principal, id: &str) -> Result<StoredFlow, Problem> {
        let (row, access) = self.authorized(principal, id, Access::View).await?;
        let key = content::key(&row.tenant_id, &row.id, &row.current_version);
        let bytes = content::read(self.objects.as_ref(), &self.content, key.as_ref())
            .await
            .map_err(Problem::internal)?;
        Ok(StoredFlow { summary: summary(row, access), content: bytes })
    }

    /// Applies a partial update. New content becomes a new version (patch-bumped); name and
    /// description alone keep the version. With `if_match`, only the version it names is
    /// updated.
    pub async fn update(
        &self,
        principal: &Principal,
        id: &str,
        request: UpdateFlow,
        if_match: Option<&str>,
    ) -> Result<StoredFlow, Problem> {
        // Without If-Match the caller accepts whatever version is current: a save that loses a
        // race is applied again to the new current version, after a short randomised pause so
        // busy writers spread out.
        let attempts = if if_match.is_some() { 1 } else { UNCONDITIONAL_ATTEMPTS };
        // Saves of one flow queue up in this process; only saves through other server
        // instances can still race (and are caught by the conditional update).
        let _turn = self.save_locks.lock(id).await;
        let mut outcome = self.update_once(principal, id, &request, if_match).await;
        for attempt in 1..attempts {
            match outcome {
                Err(Problem::VersionConflict { .. }) => {
                    let jitter = u64::from(uuid::Uuid::new_v4().as_bytes()[0] % 4);
                    tokio::time::sleep(std::time::Duration::from_millis(
                        jitter + attempt.min(8) as u64,
                    ))
                    .await;
                    outcome = self.update_once(principal, id, &request, if_match).await;
                }
                _ => break,
            }
        }
        outcome
    }

    async fn update_once(
        &self,
        principal: &Principal,
        id: &str,
        request: &UpdateFlow,
        if_match: Option<&str>,
    ) -> Result<StoredFlow, Problem> {
        let (row, access) = self.authorized(principal, id, Access::Edit).await?;
        if let Some(expected) = if_match
            && expected != row.current_version
        {
            return Err(Problem::VersionConflict {
                current: row.current_version,
                expected: expected.to_owned(),
            });
        }
        let name = match &request.name {
            Some(name) => checked_name(name)?,
            None => row.name.clone(),
        };
        let description = request.description.clone().unwrap_or_else(|| row.description.clone());
        let now = now_millis();

        // Content equal to the current version's (once id and version are set the same way)
        // is not a change.
        let current = repo::version(&self.db, &row.id, &row.current_version)
            .await
            .map_err(Problem::internal)?
            .ok_or_else(|| {
                Problem::internal(format!(
                    "flow {} has no row for its version {}",
                    row.id, row.current_version
                ))
            })?;
        let new_content = request.content.clone().map(|mut content| {
            content.id = row.id.clone();
            content.version = row.current_version.clone();
            content
        });
        let changed = new_content.filter(|c| content::sha256_hex(&encode(c)) != current.sha256);

        let Some(mut content) = changed else {
            let update = repo::Update {
                name: &name,
                description: &description,
                updated_at: now,
                version: None,
            };
            return self.commit(row, access, &update, None).await;
        };

        // Step past version numbers whose objects an interrupted save left behind.
        let mut version = row.current_version.clone();
        for _ in 0..VERSION_ATTEMPTS {
            version = bump_patch(&version);
            content.version = version.clone();
            let bytes = Bytes::from(encode(&content));
            let key = content::key(&row.tenant_id, &row.id, &version);
            if content::create(self.objects.as_ref(), &key, bytes.clone())
                .await
                .map_err(Problem::internal)?
                == content::Created::Taken
            {
                continue;
            }
            let next = version_row(&row, &version, current.seq + 1, &key, &bytes, principal, now);
            let update = repo::Update {
                name: &name,
                description: &description,
                updated_at: now,
                version: Some(&next),
            };
            let result = self.commit(row, access, &update, Some(&bytes)).await;
            if result.is_err() {
                content::discard(self.objects.as_ref(), &key).await;
            } else {
                self.content.insert(key.as_ref(), bytes);
            }
            return result;
        }
        Err(Problem::internal(format!(
            "no free version number after {} for flow {}",
            row.current_version, row.id
        )))
    }

    /// Runs the conditional update; a lost race is a version conflict naming the winner.
    async fn commit(
        &self,
        row: FlowRow,
        access: Access,
        update: &repo::Update<'_>,
        new_content: Option<&Bytes>,
    ) -> Result<StoredFlow, Problem> {
        let moved = repo::update(&self.db, &row.tenant_id, &row.id, &row.current_version, update)
            .await
            .map_err(Problem::internal)?;
        if !moved {
            self.rows.forget(&row.id);
            let now = repo::flow(&self.db, Some(&row.tenant_id), &row.id)
                .await
                .map_err(Problem::internal)?;
            return match now {
                Some(now) if now.deleted_at.is_none() => Err(Problem::VersionConflict {
                    current: now.current_version,
                    expected: row.current_version,
                }),
                _ => Err(Problem::not_found(format!("flow '{}'", row.id))),
            };
        }
        let version =
            update.version.map_or_else(|| row.current_version.clone(), |v| v.version.clone());
        let saved = FlowRow {
            name: update.name.to_owned(),
            description: update.description.to_owned(),
            current_version: version.clone(),
            updated_at: update.updated_at,
            ..row
        };
        self.rows.put(&saved);
        let bytes = match new_content {
            Some(bytes) => bytes.clone(),
            None => {
                let key = content::key(&saved.tenant_id, &saved.id, &version);
                content::read(self.objects.as_ref(), &self.content, key.as_ref())
                    .await
                    .map_err(Problem::internal)?
            }
        };
        Ok(StoredFlow { summary: summary(saved, access), content: bytes })
    }

    /// Moves a flow to the trash (its versions are kept).
    pub async fn delete(&self, principal: &Principal, id: &str) -> Result<(), Problem> {
        let (row, _) = self.authorized(principal, id, Access::Admin).await?;
        let done =
            repo::set_deleted(&self.db, &row.tenant_id, &row.id, Some(now_millis()), now_millis())
                .await
                .map_err(Problem::internal)?;
        self.rows.forget(&row.id);
        if done { Ok(()) } else { Err(Problem::not_found(format!("flow '{id}'"))) }
    }

    /// Takes a flow out of the trash.
    pub async fn restore(&self, principal: &Principal, id: &str) -> Result<StoredFlow, Problem> {
        let row = repo::flow(&self.db, principal.tenant_scope(), id)
            .await
            .map_err(Problem::internal)?
            .filter(|r| r.deleted_at.is_some() && principal.reaches(&r.tenant_id))
            .ok_or_else(|| Problem::not_found(format!("deleted flow '{id}'")))?;
        match self.access(principal, &row).await? {
            None => return Err(Problem::not_found(format!("deleted flow '{id}'"))),
            Some(a) if a < Access::Admin => {
                return Err(Problem::Forbidden { needed: Access::Admin });
            }
            Some(_) => {}
        }
        let done = repo::set_deleted(&self.db, &row.tenant_id, &row.id, None, now_millis())
            .await
            .map_err(Problem::internal)?;
        self.rows.forget(&row.id);
        if !done {
            return Err(Problem::not_found(format!("deleted flow '{id}'")));
        }
        self.get(principal, id).await
    }

    pub async fn versions(&self, principal: &Principal, id: &str) -> Result<VersionList, Problem> {
        let (row, _) = self.authorized(principal, id, Access::View).await?;
        let rows = repo::versions(&self.db, &row.id).await.map_err(Problem::internal)?;
        let items: Vec<VersionInfo> = rows.into_iter().map(version_info).collect();
        Ok(VersionList { total: items.len() as u64, items })
    }

    pub async fn version(
        &self,
        principal: &Principal,
        id: &str,
        version: &str,
    ) -> Result<StoredVersion, Problem> {
        let (row, _) = self.authorized(principal, id, Access::View).await?;
        let found = repo::version(&self.db, &row.id, version)
            .await
            .map_err(Problem::internal)?
            .ok_or_else(|| Problem::not_found(format!("version '{version}' of flow '{id}'")))?;
        let bytes = content::read(self.objects.as_ref(), &self.content, &found.object_key)
            .await
            .map_err(Problem::internal)?;
        Ok(StoredVersion { info: version_info(found), content: bytes })
    }

    pub async fn deployments(
        &self,
        principal: &Principal,
        id: &str,
    ) -> Result<DeploymentList, Problem> {
        let (row, _) = self.authorized(principal, id, Access::View).await?;
        let rows = repo::deployments(&self.db, &row.id).await.map_err(Problem::internal)?;
        let items = rows.into_iter().map(deployment).collect::<Result<Vec<_>, _>>()?;
        Ok(DeploymentList { total: items.len() as u64, items })
    }

    /// The live flow `id` if the caller has at least `needed` access. A flow they cannot see at
    /// all (another tenant's, or without any grant) is "not found", never "forbidden".
    async fn authorized(
        &self,
        principal: &Principal,
        id: &str,
        needed: Access,
    ) -> Result<(FlowRow, Access), Problem> {
        let not_found = || Problem::not_found(format!("flow '{id}'"));
        // Reads may use a recently read row; anything that writes decides on a fresh one.
        let cached = (needed == Access::View)
            .then(|| self.rows.get(id))
            .flatten()
            .filter(|r| principal.reaches(&r.tenant_id));
        let row = match cached {
            Some(row) => Some(row),
            None => {
                let row = repo::flow(&self.db, principal.tenant_scope(), id)
                    .await
                    .map_err(Problem::internal)?;
                if let Some(row) = &row {
                    self.rows.put(row);
                }
                row
            }
        };
        let row = row.filter(|r| r.deleted_at.is_none()).ok_or_else(not_found)?;
        match self.access(principal, &row).await? {
            None => Err(not_found()),
            Some(access) if access < needed => Err(Problem::Forbidden { needed }),
            Some(access) => Ok((row, access)),
        }
    }

    /// Owner, tenant admins and super admins administer (super admins in every tenant);
    /// otherwise the best explicit grant.
    async fn access(
        &self,
        principal: &Principal,
        row: &FlowRow,
    ) -> Result<Option<Access>, Problem> {
        if !principal.reaches(&row.tenant_id) {
            return Ok(None);
        }
        if row.owner_id == principal.user_id || principal.is_tenant_admin() {
            return Ok(Some(Access::Admin));
        }
        repo::granted(&self.db, &row.id, principal).await.map_err(Problem::internal)
    }
}

/// The stored form of a document: compact JSON, fields in model order.
pub fn encode(flow: &FlowGraph) -> Vec<u8> {
    serde_json::to_vec(flow).unwrap_or_default()
}

/// `1.0.2` → `1.0.3`; a pre-release or build suffix is dropped (`1.0.2-rc.1` → `1.0.3`).
pub fn bump_patch(version: &str) -> String {
    let core = version.split(['-', '+']).next().unwrap_or(version);
    let mut parts: Vec<u64> = core.split('.').map(|p| p.parse().unwrap_or(0)).collect();
    parts.resize(3, 0);
    format!("{}.{}.{}", parts[0], parts[1], parts[2] + 1)
}

fn checked_name(name: &str) -> Result<String, Problem> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Problem::invalid("the name must not be empty", "/name"));
    }
    if name.chars().count() > NAME_LIMIT {
        return Err(Problem::invalid(
            format!("the name is longer than {NAME_LIMIT} characters"),
            "/name",
        ));
    }
    Ok(name.to_owned())
}

fn encode_cursor(name: &str, id: &str) -> String {
    use base64::Engine;
    let json = serde_json::to_vec(&(name, id)).unwrap_or_default();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
}

fn decode_cursor(cursor: &str) -> Result<(String, String), Problem> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| Problem::invalid("the cursor is not one this server gave out", "/cursor"))
}

#[cfg(test)]
mod tests;
