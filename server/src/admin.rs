//! The user mirror and the ScaiFlow-local admin roles, as the `/admin` endpoints use them. Super
//! admins see every tenant; tenant admins see their own tenant and may grant only
//! `tenant_admin` in it. Roles given here are recorded with source `manual`, which group
//! reconciliation never takes away. Super admins may also run the ScaiKey sync of the mirror at
//! once.

use crate::caller::{AdminRole, Principal};
use crate::clock::rfc3339;
use crate::problem::Problem;
use crate::storage::db::Database;
use crate::storage::flows as repo;
use crate::storage::{mirror, principals};
use crate::sync::{MirrorSync, SyncError, SyncStats};

pub use wire::admin::{AdminFlow, AdminFlows, AdminUser, AdminUsers};

/// The admin service, composed once by the server's state: the mirror's database and its sync.
#[derive(Clone)]
pub struct Admin {
    db: Database,
    sync: MirrorSync,
}

impl Admin {
    pub fn new(db: Database, sync: MirrorSync) -> Self {
        Admin { db, sync }
    }

    /// Every user of every tenant (super admins).
    pub async fn all_users(&self, principal: &Principal) -> Result<AdminUsers, Problem> {
        super_admin(principal, "list the users of every tenant")?;
        Ok(AdminUsers { users: self.users(None).await? })
    }

    /// The users of the caller's tenant (tenant and super admins).
    pub async fn tenant_users(&self, principal: &Principal) -> Result<AdminUsers, Problem> {
        tenant_admin(principal, "list the tenant's users")?;
        Ok(AdminUsers { users: self.users(Some(&principal.tenant_id)).await? })
    }

    /// Every flow of the caller's tenant, whoever owns it, the trash included (tenant and
    /// super admins).
    pub async fn tenant_flows(&self, principal: &Principal) -> Result<AdminFlows, Problem> {
        tenant_admin(principal, "list the tenant's flows")?;
        let rows =
            repo::tenant_flows(&self.db, &principal.tenant_id).await.map_err(Problem::internal)?;
        let items: Vec<AdminFlow> = rows
            .into_iter()
            .map(|(id, name, owner_id, version, updated, deleted)| AdminFlow {
                id,
                name,
                owner_id,
                version,
                updated_at: rfc3339(updated),
                deleted_at: deleted.map(rfc3339),
            })
            .collect();
        Ok(AdminFlows { total: items.len() as u64, items })
    }

    /// Grants an admin role (source `manual`).
    pub async fn grant_role(
        &self,
        principal: &Principal,
        user_id: &str,
        role: &str,
    ) -> Result<(), Problem> {
        tenant_admin(principal, "grant admin roles")?;
        if !matches!(role, "tenant_admin" | "super_admin") {
            return Err(Problem::BadRequest {
                message: format!("unknown role '{role}': use tenant_admin or super_admin"),
                pointer: "/role".into(),
            });
        }
        if role == "super_admin" {
            super_admin(principal, "grant super_admin")?;
        }
        let current = self.target(principal, user_id).await?;
        if current.as_deref() == Some("super_admin") && role != "super_admin" {
            // Making a super admin a tenant admin takes super admin away: not from the last one.
            super_admin(principal, "change a super admin's role")?;
            self.demote(user_id, Some(role)).await?;
        } else {
            mirror::set_role(&self.db, user_id, Some(role)).await.map_err(Problem::internal)?;
        }
        tracing::info!(user = %user_id, role, by = %principal.user_id, "admin role granted");
        Ok(())
    }

    /// Revokes a user's admin role.
    pub async fn revoke_role(&self, principal: &Principal, user_id: &str) -> Result<(), Problem> {
        tenant_admin(principal, "revoke admin roles")?;
        let role = self.target(principal, user_id).await?;
        if role.as_deref() == Some("super_admin") {
            super_admin(principal, "revoke super_admin")?;
            self.demote(user_id, None).await?;
        } else {
            mirror::set_role(&self.db, user_id, None).await.map_err(Problem::internal)?;
        }
        tracing::info!(user = %user_id, by = %principal.user_id, "admin role revoked");
        Ok(())
    }

    /// Syncs the user mirror with ScaiKey now (the same run as the background loop) and
    /// answers its stats; `skipped_reason` says why nothing was done.
    pub async fn sync(&self, principal: &Principal) -> Result<SyncStats, Problem> {
        super_admin(principal, "sync the user mirror with ScaiKey")?;
        match self.sync.run().await {
            Ok(stats) => Ok(stats),
            Err(SyncError::ScaiKey(error)) => {
                tracing::warn!(error = %error, by = %principal.user_id, "ScaiKey sync failed");
                Err(Problem::upstream("scaikey_unavailable", error.to_string()))
            }
            Err(SyncError::Database(e)) => Err(Problem::internal(e)),
        }
    }

    async fn users(&self, tenant: Option<&str>) -> Result<Vec<AdminUser>, Problem> {
        let rows = principals::users(&self.db, tenant).await.map_err(Problem::internal)?;
        Ok(rows.into_iter().map(user).collect())
    }

    /// The user's current role, if the caller may manage roles of that user at all.
    async fn target(
        &self,
        principal: &Principal,
        user_id: &str,
    ) -> Result<Option<String>, Problem> {
        let found =
            principals::tenant_and_role(&self.db, user_id).await.map_err(Problem::internal)?;
        let not_found = || Problem::not_found(format!("user '{user_id}'"));
        let (tenant, role) = found.ok_or_else(not_found)?;
        // Tenant admins do not learn about users of other tenants.
        if principal.admin_role != Some(AdminRole::SuperAdmin) && tenant != principal.tenant_id {
            return Err(not_found());
        }
        Ok(role)
    }

    /// Takes super admin away from `user_id` (leaving `role`), refused for the last super
    /// admin: nobody could then reach every tenant, run the sync or make a new super admin
    /// here.
    async fn demote(&self, user_id: &str, role: Option<&str>) -> Result<(), Problem> {
        let done =
            mirror::demote_super_admin(&self.db, user_id, role).await.map_err(Problem::internal)?;
        if done {
            return Ok(());
        }
        Err(Problem::Conflict {
            message: format!(
                "'{user_id}' is the only super admin: super admin cannot be taken from the last one"
            ),
            fix: "Make another user super admin first (or name ScaiKey groups in \
                  SCAIFLOW_SUPER_ADMIN_GROUPS), then revoke this one.",
        })
    }
}

fn user(row: principals::UserRow) -> AdminUser {
    let (id, tenant_id, email, display_name, admin_role, admin_role_source, deleted, synced) = row;
    AdminUser {
        id,
        tenant_id,
        email,
        display_name,
        status: if deleted.is_some() { "DELETED" } else { "ACTIVE" }.to_owned(),
        admin_role,
        admin_role_source,
        deleted_at: deleted.map(rfc3339),
        last_synced_at: synced.map(rfc3339),
    }
}

/// Refuses a caller who is not a super admin.
pub fn super_admin(principal: &Principal, what: &'static str) -> Result<(), Problem> {
    match principal.admin_role {
        Some(AdminRole::SuperAdmin) => Ok(()),
        _ => Err(Problem::AdminOnly { what }),
    }
}

/// Refuses a caller who is neither a tenant admin nor a super admin.
pub fn tenant_admin(principal: &Principal, what: &'static str) -> Result<(), Problem> {
    if principal.is_tenant_admin() { Ok(()) } else { Err(Problem::AdminOnly { what }) }
}
