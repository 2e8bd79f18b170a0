//! The full ScaiKey sync of the user mirror, run by the background loop and by
//! `POST /api/v1/admin/sync`: one run at a time per server.
//!
//! It covers every tenant of the mirror but the local-mode one (a tenant appears when its first
//! user signs in or a webhook names it). Per tenant, users come from the application's
//! effective users (token scope `admin:read`); when ScaiKey refuses that (403, or no such scope
//! for the client), from walking the tenant's groups and their members (`groups:read`). Groups
//! and memberships come from that walk whenever ScaiKey allows it; when it does not, they are
//! left as they are (`groups_seen` 0). What ScaiKey lists is upserted (and undeleted); what the
//! mirror has of the tenant and ScaiKey no longer lists is soft-deleted. Then the super-admin
//! group reconcile runs over everyone.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::Mutex;

use crate::clock::now_millis;
use crate::config::Config;
use crate::oidc::{ProviderError, ScaiKey};
use crate::scaikey_admin::{AdminApi, AdminError, RemoteGroup, RemoteUser};
use crate::storage::db::Database;
use crate::storage::mirror::{self, Upsert};

/// The scope of the effective-users listing.
pub const ADMIN_SCOPE: &str = "admin:read";
/// The scope of the group walk.
pub const GROUPS_SCOPE: &str = "groups:read";

pub use wire::admin::SyncStats;

/// Why a run stopped.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// ScaiKey failed in a way that is not a fallback case.
    #[error(transparent)]
    ScaiKey(#[from] ScaiKeyError),
    #[error("the user mirror could not be written: {0}")]
    Database(#[from] sqlx::Error),
}

/// ScaiKey's part of a failed run.
#[derive(Debug, thiserror::Error)]
pub enum ScaiKeyError {
    #[error("ScaiKey would not issue a token with scope {scope}: {source}")]
    Token { scope: &'static str, source: ProviderError },
    #[error(transparent)]
    Admin(#[from] AdminError),
    #[error(
        "ScaiKey lists neither the effective users ({ADMIN_SCOPE}) nor the groups \
         ({GROUPS_SCOPE}) of tenant {tenant}; give the server's ScaiKey client one of those scopes"
    )]
    NoSource { tenant: String },
}

const EFFECTIVE_USERS: &str = "effective_users";
const MEMBER_WALK: &str = "member_walk";

/// What the sync works with, composed once by the server's state: the mirror's database, the
/// identity provider, the settings it reads and the lock that keeps one run at a time.
#[derive(Clone)]
pub struct MirrorSync {
    db: Database,
    scaikey: Option<Arc<ScaiKey>>,
    config: Arc<Config>,
    one_at_a_time: Arc<Mutex<()>>,
}

impl MirrorSync {
    pub fn new(db: Database, scaikey: Option<Arc<ScaiKey>>, config: Arc<Config>) -> Self {
        MirrorSync { db, scaikey, config, one_at_a_time: Arc::new(Mutex::new(())) }
    }

    /// Runs the sync, waiting for one already under way to finish first.
    pub async fn run(&self) -> Result<SyncStats, SyncError> {
        let Some(scaikey) = self.scaikey.as_deref() else {
            return Ok(SyncStats {
                skipped_reason: Some("credentials_missing".into()),
                ..SyncStats::default()
            });
        };
        let _one_at_a_time = self.one_at_a_time.lock().await;
        let started = Instant::now();
        let admin = AdminApi::new(&scaikey.settings().base_url).map_err(ScaiKeyError::from)?;
        let mut tokens = Tokens { scaikey, admin: None, groups: None };
        let db = &self.db;
        let mut stats = SyncStats::default();
        for tenant in mirror::synced_tenants(db).await? {
            let listed =
                list(&admin, &mut tokens, &self.config.scaikey_application_id, &tenant).await?;
            let method = if listed.effective { EFFECTIVE_USERS } else { MEMBER_WALK };
            if stats.users_method.as_deref() != Some(MEMBER_WALK) {
                stats.users_method = Some(method.into());
            }
            apply(db, &tenant, &listed, now_millis(), &mut stats).await?;
        }
        let groups = &self.config.super_admin_groups;
        let reconciled = mirror::reconcile_super_admins(db, groups, None, now_millis()).await?;
        stats.super_admins_group_promoted = reconciled.promoted;
        stats.super_admins_group_demoted = reconciled.demoted;
        stats.super_admin_count = mirror::super_admin_count(db).await?;
        stats.duration_seconds = (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0;
        tracing::info!(stats = ?stats, "ScaiKey sync finished");
        if stats.super_admin_count == 0 {
            tracing::warn!(
                "the ScaiKey sync succeeded but nobody is a super admin: grant the role with \
                 `scaiflow-server admin grant <email> --role super_admin`, or name the ScaiKey groups \
                 whose members are super admins in SCAIFLOW_SUPER_ADMIN_GROUPS"
            );
        }
        Ok(stats)
    }
}

/// The server's admin-API tokens, asked for once per scope per run; `Some(None)` once ScaiKey
/// said the client may not have the scope.
struct Tokens<'a> {
    scaikey: &'a ScaiKey,
    admin: Option<Option<String>>,
    groups: Option<Option<String>>,
}

impl Tokens<'_> {
    async fn get(&mut self, scope: &'static str) -> Result<Option<String>, ScaiKeyError> {
        let slot = if scope == ADMIN_SCOPE { &mut self.admin } else { &mut self.groups };
        if let Some(token) = slot {
            return Ok(token.clone());
        }
        let token = match self.scaikey.service_token(scope).await {
            Ok(token) => Some(token),
            Err(ProviderError::Rejected { error, description }) if error == "invalid_scope" => {
                tracing::info!(scope, reason = %description, "ScaiKey does not give this scope");
                None
            }
            Err(source) => return Err(ScaiKeyError::Token { scope, source }),
        };
        *slot = Some(token.clone());
        Ok(token)
    }
}

/// What ScaiKey lists of a tenant.
struct Listed {
    users: Vec<RemoteUser>,
    /// The users are the effective users (else the members of the groups).
    effective: bool,
    /// The groups with their members, when ScaiKey let us walk them.
    groups: Option<Vec<(RemoteGroup, Vec<RemoteUser>)>>,
}

async fn list(
    admin: &AdminApi,
    tokens: &mut Tokens<'_>,
    application: &str,
    tenant: &str,
) -> Result<Listed, ScaiKeyError> {
    let mut effective = None;
    if let Some(token) = tokens.get(ADMIN_SCOPE).await? {
        match admin.effective_users(&token, tenant, application).await {
            Ok(users) => effective = Some(users),
            Err(AdminError::Forbidden { message, .. }) => {
                tracing::info!(tenant, reason = %message, "no effective users; walking the groups");
            }
            Err(e) => return Err(e.into()),
        }
    }
    let groups = match tokens.get(GROUPS_SCOPE).await? {
        None => None,
        Some(token) => match walk(admin, &token, tenant).await {
            Ok(groups) => Some(groups),
            Err(AdminError::Forbidden { message, .. }) => {
                tracing::info!(tenant, reason = %message, "groups not readable; left as they are");
                None
            }
            Err(e) => return Err(e.into()),
        },
    };
    let of_tenant = |user: &RemoteUser| user.tenant_id.as_deref().is_none_or(|t| t == tenant);
    match (effective, &groups) {
        (Some(users), _) => Ok(Listed {
            users: users.into_iter().filter(of_tenant).collect(),
            effective: true,
            groups,
        }),
        (None, Some(walked)) => {
            let members = walked.iter().flat_map(|(_, members)| members.iter());
            let users = members.filter(|u| of_tenant(u)).cloned().collect();
            Ok(Listed { users, effective: false, groups })
        }
        (None, None) => Err(ScaiKeyError::NoSource { tenant: tenant.to_owned() }),
    }
}

/// The tenant's groups (only those ScaiKey says are the tenant's) and their members.
async fn walk(
    admin: &AdminApi,
    token: &str,
    tenant: &str,
) -> Result<Vec<(RemoteGroup, Vec<RemoteUser>)>, AdminError> {
    let mut walked = Vec::new();
    for group in admin.groups(token, tenant).await? {
        if group.tenant_id.as_deref().is_some_and(|t| t != tenant) {
            continue;
        }
        let members = admin.members(token, &group.id).await?;
        walked.push((group, members));
    }
    Ok(walked)
}

/// Brings the tenant's part of the mirror in line with what ScaiKey listed.
async fn apply(
    db: &Database,
    tenant: &str,
    listed: &Listed,
    now: i64,
    stats: &mut SyncStats,
) -> Result<(), sqlx::Error> {
    let mut users = HashSet::new();
    for user in listed.users.iter().filter(|u| !u.is_deleted()) {
        if !users.insert(user.id.as_str()) {
            continue;
        }
        let (email, name) = (user.email.as_deref(), user.display_name.as_deref());
        match mirror::upsert_user(db, tenant, &user.id, email, name, now).await? {
            Upsert::Added => stats.users_added += 1,
            Upsert::Undeleted => stats.users_undeleted += 1,
            Upsert::Updated => {}
        }
    }
    stats.users_seen += users.len() as u64;
    for id in mirror::live_users(db, tenant).await? {
        if !users.contains(id.as_str()) {
            mirror::remove_user(db, &id, now).await?;
            stats.users_soft_deleted += 1;
        }
    }

    let Some(walked) = &listed.groups else { return Ok(()) };
    let mut groups = HashSet::new();
    let mut memberships = HashSet::new();
    for (group, members) in walked {
        if !groups.insert(group.id.as_str()) {
            continue;
        }
        match mirror::upsert_group(db, tenant, &group.id, &group.name, now).await? {
            Upsert::Added => stats.groups_added += 1,
            Upsert::Undeleted => stats.groups_undeleted += 1,
            Upsert::Updated => {}
        }
        for member in members.iter().filter(|m| !m.is_deleted()) {
            if !memberships.insert((group.id.clone(), member.id.clone())) {
                continue;
            }
            // A member the mirror does not have (not a user of the application) is skipped.
            if let Some(Upsert::Added | Upsert::Undeleted) =
                mirror::add_member(db, &group.id, &member.id).await?
            {
                stats.memberships_added += 1;
            }
        }
    }
    stats.groups_seen += groups.len() as u64;
    stats.memberships_seen += memberships.len() as u64;
    for id in mirror::live_groups(db, tenant).await? {
        if !groups.contains(id.as_str()) {
            mirror::remove_group(db, &id, now).await?;
            stats.groups_soft_deleted += 1;
        }
    }
    for membership in mirror::live_members(db, tenant).await? {
        if !memberships.contains(&membership) {
            mirror::remove_member(db, &membership.0, &membership.1, now).await?;
            stats.memberships_soft_deleted += 1;
        }
    }
    Ok(())
}
