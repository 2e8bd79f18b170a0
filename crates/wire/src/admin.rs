//! The admin pages' bodies (`/admin/*`): the user mirror, the tenant's flows, roles, sync.

use serde::{Deserialize, Serialize};

use crate::AdminRole;

crate::schema! {
    /// A user of the mirror.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct AdminUser {
        pub id: String,
        pub tenant_id: String,
        pub email: Option<String>,
        pub display_name: Option<String>,
        /// `ACTIVE`, or `DELETED` once ScaiKey removed the user.
        pub status: String,
        /// null, `tenant_admin` or `super_admin`.
        pub admin_role: Option<String>,
        /// null, `manual`, `group` or `bootstrap`.
        pub admin_role_source: Option<String>,
        pub deleted_at: Option<String>,
        pub last_synced_at: Option<String>,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct AdminUsers {
        pub users: Vec<AdminUser>,
    }

    /// A flow of the tenant, as the admin overview lists it.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct AdminFlow {
        pub id: String,
        pub name: String,
        pub owner_id: String,
        pub version: String,
        pub updated_at: String,
        pub deleted_at: Option<String>,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct AdminFlows {
        pub items: Vec<AdminFlow>,
        pub total: u64,
    }

    /// `POST /admin/users/{id}/role`.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct RoleRequest {
        /// `tenant_admin` or `super_admin`.
        pub role: String,
    }

    /// What a sync of the user mirror with ScaiKey did (`POST /admin/sync`).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct SyncStats {
        /// Why nothing was done: `credentials_missing` without ScaiKey (local mode); else null.
        pub skipped_reason: Option<String>,
        /// `effective_users`, or `member_walk` when a tenant's users had to come from its
        /// groups; null when there was nothing to sync.
        pub users_method: Option<String>,
        pub users_seen: u64,
        pub users_added: u64,
        pub users_undeleted: u64,
        pub users_soft_deleted: u64,
        pub groups_seen: u64,
        pub groups_added: u64,
        pub groups_undeleted: u64,
        pub groups_soft_deleted: u64,
        pub memberships_seen: u64,
        /// New memberships and memberships that came back.
        pub memberships_added: u64,
        pub memberships_soft_deleted: u64,
        /// Live super admins after the run.
        pub super_admin_count: u64,
        pub super_admins_group_promoted: u64,
        pub super_admins_group_demoted: u64,
        pub duration_seconds: f64,
    }
}

impl AdminUser {
    /// The user's admin role, when it is one ScaiFlow knows.
    pub fn role(&self) -> Option<AdminRole> {
        self.admin_role.as_deref().and_then(AdminRole::parse)
    }
}
