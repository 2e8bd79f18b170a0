//! Explicit grants on a flow (`/flows/{id}/acls`): listed, granted, changed and revoked by
//! whoever administers the flow. The owner, tenant admins and super admins hold `admin`
//! implicitly; that access is not a row and cannot be revoked here.

use super::Flows;
use crate::caller::{Access, Principal};
use crate::clock::{now_millis, rfc3339};
use crate::problem::Problem;
use crate::storage::acls::{self as rows, AclRow};
use crate::storage::principals;

use wire::sharing::PrincipalKind;
pub use wire::sharing::{ChangeAcl, FlowAcl, GrantAcl};

/// A stored grant as the API shows it, with its principal's name and e-mail from the mirror. A
/// level or principal type this server never writes is an internal error, not a guess.
async fn shown(row: AclRow, db: &crate::storage::db::Database) -> Result<FlowAcl, Problem> {
    let unknown = |what: &str, value: &str| {
        Problem::internal(format!("grant '{}' has the unknown {what} '{value}'", row.id))
    };
    let level = Access::parse(&row.level).ok_or_else(|| unknown("level", &row.level))?;
    let kind = PrincipalKind::parse(&row.principal_type)
        .ok_or_else(|| unknown("principal type", &row.principal_type))?;
    let (name, email) =
        crate::storage::mirror::principal_names(db, &row.principal_type, &row.principal_id)
            .await
            .map_err(Problem::internal)?;
    Ok(FlowAcl {
        id: row.id,
        flow_id: row.flow_id,
        principal_type: kind,
        principal_id: row.principal_id,
        level,
        granted_by: row.granted_by,
        granted_at: rfc3339(row.granted_at),
        principal_name: name,
        principal_email: email,
    })
}

/// The level named by `text`, or a 400 naming the field.
fn level(text: &str, pointer: &str) -> Result<Access, Problem> {
    Access::parse(text).ok_or_else(|| Problem::BadRequest {
        message: format!("unknown level '{text}': use view, edit, deploy or admin"),
        pointer: pointer.to_owned(),
    })
}

impl Flows {
    /// The explicit grants of a flow (implicit admins are not listed).
    pub async fn acls(&self, principal: &Principal, id: &str) -> Result<Vec<FlowAcl>, Problem> {
        let (row, _) = self.authorized(principal, id, Access::Admin).await?;
        let rows = rows::acls(&self.db, &row.id).await.map_err(Problem::internal)?;
        let mut named = Vec::with_capacity(rows.len());
        for row in rows {
            named.push(shown(row, &self.db).await?);
        }
        Ok(named)
    }

    /// Grants `request.level` on the flow to a user or group of the tenant.
    pub async fn grant(
        &self,
        principal: &Principal,
        id: &str,
        request: GrantAcl,
    ) -> Result<FlowAcl, Problem> {
        let (row, _) = self.authorized(principal, id, Access::Admin).await?;
        if PrincipalKind::parse(&request.principal_type).is_none() {
            return Err(Problem::BadRequest {
                message: format!(
                    "unknown principal_type '{}': use user or group",
                    request.principal_type
                ),
                pointer: "/principal_type".into(),
            });
        }
        let level = level(&request.level, "/level")?;
        let who = request.principal_id.trim();
        if request.principal_type == "user" && who == row.owner_id {
            return Err(Problem::Conflict {
                message: format!("'{who}' owns the flow and so administers it already"),
                fix: "Grants are for other users and groups.",
            });
        }
        let known =
            principals::principal_known(&self.db, &row.tenant_id, &request.principal_type, who)
                .await
                .map_err(Problem::internal)?;
        if !known {
            return Err(Problem::not_found(format!(
                "{} '{who}' in this tenant (run a ScaiKey sync if it is new)",
                request.principal_type
            )));
        }
        let acl = AclRow {
            id: format!("acl_{}", uuid::Uuid::new_v4().simple()),
            flow_id: row.id.clone(),
            principal_type: request.principal_type,
            principal_id: who.to_owned(),
            level: level.as_str().to_owned(),
            granted_by: principal.user_id.clone(),
            granted_at: now_millis(),
        };
        if !rows::insert_acl(&self.db, &acl).await.map_err(Problem::internal)? {
            return Err(Problem::Conflict {
                message: format!("{} '{who}' already has a grant on this flow", acl.principal_type),
                fix: "Change its level with PATCH /flows/{id}/acls/{acl_id}, or delete it first.",
            });
        }
        shown(acl, &self.db).await
    }

    /// Changes the level of a grant.
    pub async fn change_acl(
        &self,
        principal: &Principal,
        id: &str,
        acl_id: &str,
        request: ChangeAcl,
    ) -> Result<FlowAcl, Problem> {
        let (row, _) = self.authorized(principal, id, Access::Admin).await?;
        let level = level(&request.level, "/level")?;
        let changed = rows::set_acl_level(&self.db, &row.id, acl_id, level.as_str())
            .await
            .map_err(Problem::internal)?;
        if !changed {
            return Err(Problem::not_found(format!("grant '{acl_id}' of flow '{id}'")));
        }
        let acl = rows::acl(&self.db, &row.id, acl_id).await.map_err(Problem::internal)?;
        let acl =
            acl.ok_or_else(|| Problem::not_found(format!("grant '{acl_id}' of flow '{id}'")))?;
        shown(acl, &self.db).await
    }

    /// Revokes a grant. The owner's access is implicit and not a grant, so it cannot be
    /// revoked this way.
    pub async fn revoke(
        &self,
        principal: &Principal,
        id: &str,
        acl_id: &str,
    ) -> Result<(), Problem> {
        let (row, _) = self.authorized(principal, id, Access::Admin).await?;
        let removed =
            rows::delete_acl(&self.db, &row.id, acl_id).await.map_err(Problem::internal)?;
        if removed {
            Ok(())
        } else {
            Err(Problem::not_found(format!("grant '{acl_id}' of flow '{id}'")))
        }
    }
}
