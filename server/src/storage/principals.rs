//! The SQL of tenants and users as callers: the rows a caller needs, the identity a token
//! names, and whether the mirror knows a principal.

use crate::caller::{AdminRole, Principal};
use crate::storage::db::Database;
use crate::with_pool;

/// Makes sure the tenant and user of `principal` have rows (the local user on first start, a
/// ScaiKey user on first sign-in).
pub async fn ensure_principal(
    db: &Database,
    principal: &Principal,
    now: i64,
) -> Result<(), sqlx::Error> {
    let role = principal.admin_role.map(AdminRole::as_str);
    ensure_tenant(db, &principal.tenant_id, now).await?;
    with_pool!(db, pool => {
        let user: Option<String> = sqlx::query_scalar("SELECT id FROM users WHERE id = ?")
            .bind(&principal.user_id)
            .fetch_optional(pool)
            .await?;
        if user.is_none() {
            let insert = sqlx::query(
                "INSERT INTO users (id, tenant_id, admin_role, created_at) VALUES (?, ?, ?, ?)",
            )
            .bind(&principal.user_id)
            .bind(&principal.tenant_id)
            .bind(role)
            .bind(now)
            .execute(pool)
            .await
            .map(|_| ());
            // A concurrent first request may have recorded the user meanwhile.
            crate::storage::db::inserted(insert)?;
        }
        Ok(())
    })
}

/// The principal a verified ScaiKey token names: its subject and tenant, with the local admin
/// role and the groups of the mirror. A user seen for the first time is recorded (the sync and
/// webhooks fill in the rest); `None` when the mirror says ScaiKey removed the user.
pub async fn token_principal(
    db: &Database,
    claims: &crate::oidc::Claims,
    scopes: Vec<String>,
    now: i64,
) -> Result<Option<Principal>, sqlx::Error> {
    let tenant = claims.tenant_id.clone().unwrap_or_default();
    let row: Option<(String, Option<String>, Option<i64>)> = with_pool!(db, pool => {
        sqlx::query_as("SELECT tenant_id, admin_role, deleted_at FROM users WHERE id = ?")
            .bind(&claims.sub)
            .fetch_optional(pool)
            .await
    })?;
    // A known user's own tenant has its row already: only a newcomer or a tenant change may
    // need one (this runs on every request).
    if row.as_ref().is_none_or(|(home, ..)| *home != tenant) {
        ensure_tenant(db, &tenant, now).await?;
    }
    with_pool!(db, pool => {
        let admin_role = match row {
            None => {
                let insert = sqlx::query(
                    "INSERT INTO users (id, tenant_id, email, display_name, created_at) \
                     VALUES (?, ?, ?, ?, ?)",
                )
                .bind(&claims.sub)
                .bind(&tenant)
                .bind(&claims.email)
                .bind(&claims.name)
                .bind(now)
                .execute(pool)
                .await
                .map(|_| ());
                crate::storage::db::inserted(insert)?;
                None
            }
            Some((_, _, Some(_deleted))) => return Ok(None),
            Some((home, role, None)) => match role.as_deref() {
                Some("super_admin") => Some(crate::caller::AdminRole::SuperAdmin),
                // A tenant admin administers their own tenant only.
                Some("tenant_admin") if home == tenant => Some(crate::caller::AdminRole::TenantAdmin),
                _ => None,
            },
        };
        let groups: Vec<String> = sqlx::query_scalar(
            "SELECT m.group_id FROM group_members m JOIN user_groups g ON g.id = m.group_id \
             WHERE m.user_id = ? AND m.deleted_at IS NULL AND g.deleted_at IS NULL \
             AND g.tenant_id = ? ORDER BY m.group_id",
        )
        .bind(&claims.sub)
        .bind(&tenant)
        .fetch_all(pool)
        .await?;
        Ok(Some(Principal {
            user_id: claims.sub.clone(),
            tenant_id: tenant,
            admin_role,
            groups,
            scopes,
            token: None,
        }))
    })
}

/// A user's e-mail and display name, as the mirror has them.
pub async fn user_names(
    db: &Database,
    user: &str,
) -> Result<(Option<String>, Option<String>), sqlx::Error> {
    with_pool!(db, pool => {
        let row: Option<(Option<String>, Option<String>)> =
            sqlx::query_as("SELECT email, display_name FROM users WHERE id = ?")
                .bind(user)
                .fetch_optional(pool)
                .await?;
        Ok(row.unwrap_or_default())
    })
}

/// Records what an ID token says of a user (at sign-in): e-mail and display name.
pub async fn record_identity(
    db: &Database,
    user: &str,
    email: Option<&str>,
    name: Option<&str>,
) -> Result<(), sqlx::Error> {
    with_pool!(db, pool => {
        sqlx::query(
            "UPDATE users SET email = COALESCE(?, email), display_name = COALESCE(?, display_name) \
             WHERE id = ?",
        )
        .bind(email)
        .bind(name)
        .bind(user)
        .execute(pool)
        .await?;
        Ok(())
    })
}

/// Makes sure tenant `id` has a row (named by its id until ScaiKey says otherwise).
pub async fn ensure_tenant(db: &Database, id: &str, now: i64) -> Result<(), sqlx::Error> {
    with_pool!(db, pool => {
        let found: Option<String> = sqlx::query_scalar("SELECT id FROM tenants WHERE id = ?")
            .bind(id)
            .fetch_optional(pool)
            .await?;
        if found.is_none() {
            let insert = sqlx::query("INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)")
                .bind(id)
                .bind(id)
                .bind(now)
                .execute(pool)
                .await
                .map(|_| ());
            crate::storage::db::inserted(insert)?;
        }
        Ok(())
    })
}

/// Whether the local mirror knows user or group `id` in `tenant` (and it is not deleted).
pub async fn principal_known(
    db: &Database,
    tenant: &str,
    principal_type: &str,
    id: &str,
) -> Result<bool, sqlx::Error> {
    let sql = match principal_type {
        "user" => "SELECT id FROM users WHERE id = ? AND tenant_id = ?",
        _ => "SELECT id FROM user_groups WHERE id = ? AND tenant_id = ? AND deleted_at IS NULL",
    };
    with_pool!(db, pool => {
        let found: Option<String> =
            sqlx::query_scalar(sql).bind(id).bind(tenant).fetch_optional(pool).await?;
        Ok(found.is_some())
    })
}

/// A user of the mirror: id, tenant, e-mail, display name, admin role and its source, when
/// deleted, when last synced.
pub type UserRow = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<i64>,
);

const USER_COLUMNS: &str = "id, tenant_id, email, display_name, admin_role, admin_role_source, \
                            deleted_at, last_synced_at";

/// The users of `tenant`, or of every tenant, by tenant and id.
pub async fn users(db: &Database, tenant: Option<&str>) -> Result<Vec<UserRow>, sqlx::Error> {
    match tenant {
        Some(tenant) => {
            let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE tenant_id = ? ORDER BY id");
            with_pool!(db, pool => sqlx::query_as(&sql).bind(tenant).fetch_all(pool).await)
        }
        None => {
            let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY tenant_id, id");
            with_pool!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)
        }
    }
}

/// The tenant and admin role of user `id`, if there is one.
pub async fn tenant_and_role(
    db: &Database,
    id: &str,
) -> Result<Option<(String, Option<String>)>, sqlx::Error> {
    with_pool!(db, pool => {
        sqlx::query_as("SELECT tenant_id, admin_role FROM users WHERE id = ?")
            .bind(id)
            .fetch_optional(pool)
            .await
    })
}
