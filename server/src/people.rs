//! Who is who, from the mirror of ScaiKey: the caller as `/me` shows them (merged with the
//! local admin role and the names the mirror knows), and the users and groups of the caller's
//! tenant that a flow can be shared with (any member may ask).

use crate::caller::{MANAGE_SCOPE, Principal, VIEW_SCOPE};
use crate::problem::Problem;
use crate::storage::db::Database;
use crate::storage::{mirror, principals};

pub use wire::account::Me;
pub use wire::sharing::{FoundPrincipal, PrincipalList};

/// The people service, composed once by the server's state over the mirror's database.
#[derive(Clone)]
pub struct People {
    db: Database,
}

impl People {
    pub fn new(db: Database) -> Self {
        People { db }
    }

    /// The caller, with the names the mirror knows and the ScaiFlow permissions of the token.
    pub async fn me(&self, principal: Principal) -> Result<Me, Problem> {
        let (email, display_name) = principals::user_names(&self.db, &principal.user_id)
            .await
            .map_err(Problem::internal)?;
        let permissions = principal
            .scopes
            .iter()
            .filter(|s| [VIEW_SCOPE, MANAGE_SCOPE].contains(&s.as_str()))
            .cloned()
            .collect();
        Ok(Me {
            tenant_slug: principal.tenant_slug().to_owned(),
            sub: principal.user_id,
            tenant_id: principal.tenant_id,
            admin_role: principal.admin_role,
            groups: principal.groups,
            email,
            display_name,
            permissions,
        })
    }

    /// Up to `limit` (1 to 100) users and as many groups of the caller's tenant matching
    /// `search` (part of a name, e-mail or id, any case; empty lists the first ones by name).
    pub async fn search(
        &self,
        principal: &Principal,
        search: &str,
        limit: u32,
    ) -> Result<PrincipalList, Problem> {
        if !(1..=100).contains(&limit) {
            return Err(Problem::invalid("limit must be from 1 to 100", "/limit"));
        }
        let found = mirror::search(&self.db, &principal.tenant_id, search, limit)
            .await
            .map_err(Problem::internal)?;
        let items = found
            .into_iter()
            .map(|f| FoundPrincipal { kind: f.kind, id: f.id, name: f.name, email: f.email })
            .collect();
        Ok(PrincipalList { items })
    }
}
