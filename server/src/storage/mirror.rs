//! The local mirror of ScaiKey users, groups and memberships, as the webhooks and the sync write
//! it: upserts that say what they did, soft deletes, the super-admin group reconcile, and the
//! admin roles given by hand.
//!
//! Nothing is ever removed: a user, group or membership ScaiKey no longer has gets `deleted_at`
//! and comes back (undeleted) when ScaiKey has it again. A soft-deleted user keeps their admin
//! role; the group reconcile leaves them alone.

use std::collections::HashSet;
use wire::sharing::PrincipalKind;

use crate::storage::db::{self, Database};
use crate::storage::principals;
use crate::with_pool;

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    /// The row is new.
    Added,
    /// The row was soft-deleted and is live again.
    Undeleted,
    /// The row was live; its fields were refreshed.
    Updated,
}

impl Upsert {
    /// From the `deleted_at` of the row before the upsert (`None`: there was no row).
    fn from_previous(previous: Option<Option<i64>>) -> Upsert {
        match previous {
            None => Upsert::Added,
            Some(Some(_)) => Upsert::Undeleted,
            Some(None) => Upsert::Updated,
        }
    }
}

/// Records a ScaiKey user (undeleting them) with the e-mail and name ScaiKey gives, keeping
/// what the mirror has where ScaiKey gives nothing.
pub async fn upsert_user(
    db: &Database,
    tenant: &str,
    id: &str,
    email: Option<&str>,
    name: Option<&str>,
    now: i64,
) -> Result<Upsert, sqlx::Error> {
    principals::ensure_tenant(db, tenant, now).await?;
    with_pool!(db, pool => {
        let previous: Option<Option<i64>> =
            sqlx::query_scalar("SELECT deleted_at FROM users WHERE id = ?")
                .bind(id)
                .fetch_optional(pool)
                .await?;
        if previous.is_none() {
            let insert = sqlx::query(
                "INSERT INTO users (id, tenant_id, email, display_name, created_at, last_synced_at) \
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(tenant)
            .bind(email)
            .bind(name)
            .bind(now)
            .bind(now);
            // A first sign-in may have recorded the user meanwhile: then it is updated below.
            if crate::storage::db::inserted(insert.execute(pool).await.map(drop))? {
                return Ok(Upsert::Added);
            }
        }
        sqlx::query(
            "UPDATE users SET tenant_id = ?, email = COALESCE(?, email), \
             display_name = COALESCE(?, display_name), deleted_at = NULL, last_synced_at = ? WHERE id = ?",
        )
        .bind(tenant)
        .bind(email)
        .bind(name)
        .bind(now)
        .bind(id)
        .execute(pool)
        .await?;
        Ok(Upsert::from_previous(previous.or(Some(None))))
    })
}

/// Records a ScaiKey group (undeleting it).
pub async fn upsert_group(
    db: &Database,
    tenant: &str,
    id: &str,
    name: &str,
    now: i64,
) -> Result<Upsert, sqlx::Error> {
    principals::ensure_tenant(db, tenant, now).await?;
    let previous: Option<Option<i64>> = with_pool!(db, pool => {
        sqlx::query_scalar("SELECT deleted_at FROM user_groups WHERE id = ?")
            .bind(id)
            .fetch_optional(pool)
            .await
    })?;
    let sql = if previous.is_some() {
        "UPDATE user_groups SET name = ?, tenant_id = ?, deleted_at = NULL, last_synced_at = ? WHERE id = ?"
    } else {
        "INSERT INTO user_groups (name, tenant_id, last_synced_at, id, created_at) VALUES (?, ?, ?, ?, ?)"
    };
    with_pool!(db, pool => {
        let mut query = sqlx::query(sql).bind(name).bind(tenant).bind(now).bind(id);
        if previous.is_none() {
            query = query.bind(now);
        }
        query.execute(pool).await.map(|_| ())
    })?;
    Ok(Upsert::from_previous(previous))
}

/// Records a membership (undeleting it); `None` when the user or the group is not mirrored
/// (yet): the sync brings both and the membership.
pub async fn add_member(
    db: &Database,
    group: &str,
    user: &str,
) -> Result<Option<Upsert>, sqlx::Error> {
    with_pool!(db, pool => {
        let user_known: Option<String> = sqlx::query_scalar("SELECT id FROM users WHERE id = ?")
            .bind(user)
            .fetch_optional(pool)
            .await?;
        let group_known: Option<String> =
            sqlx::query_scalar("SELECT id FROM user_groups WHERE id = ?")
                .bind(group)
                .fetch_optional(pool)
                .await?;
        if user_known.is_none() || group_known.is_none() {
            return Ok(None);
        }
        let previous: Option<Option<i64>> = sqlx::query_scalar(
            "SELECT deleted_at FROM group_members WHERE group_id = ? AND user_id = ?",
        )
        .bind(group)
        .bind(user)
        .fetch_optional(pool)
        .await?;
        let sql = match previous {
            None => "INSERT INTO group_members (group_id, user_id) VALUES (?, ?)",
            Some(Some(_)) => {
                "UPDATE group_members SET deleted_at = NULL WHERE group_id = ? AND user_id = ?"
            }
            Some(None) => return Ok(Some(Upsert::Updated)),
        };
        sqlx::query(sql).bind(group).bind(user).execute(pool).await?;
        Ok(Some(Upsert::from_previous(previous)))
    })
}

/// Soft-deletes a user; their admin role is kept.
pub async fn remove_user(db: &Database, id: &str, now: i64) -> Result<(), sqlx::Error> {
    execute(db, "UPDATE users SET deleted_at = ?, last_synced_at = ? WHERE id = ?", now, 2, &[id])
        .await
}

/// Soft-deletes a group.
pub async fn remove_group(db: &Database, id: &str, now: i64) -> Result<(), sqlx::Error> {
    let sql = "UPDATE user_groups SET deleted_at = ?, last_synced_at = ? WHERE id = ?";
    execute(db, sql, now, 2, &[id]).await
}

/// Soft-deletes a membership.
pub async fn remove_member(
    db: &Database,
    group: &str,
    user: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    let sql = "UPDATE group_members SET deleted_at = ? WHERE group_id = ? AND user_id = ?";
    execute(db, sql, now, 1, &[group, user]).await
}

/// The tenants the sync covers: every tenant of the mirror but the local-mode tenant (its one
/// user is not a ScaiKey user) and the nameless one of a token without `tenant_id`.
pub async fn synced_tenants(db: &Database) -> Result<Vec<String>, sqlx::Error> {
    with_pool!(db, pool => {
        sqlx::query_scalar("SELECT id FROM tenants WHERE id <> ? AND id <> '' ORDER BY id")
            .bind(crate::caller::LOCAL_TENANT)
            .fetch_all(pool)
            .await
    })
}

/// The ids of the tenant's users that are not soft-deleted.
pub async fn live_users(db: &Database, tenant: &str) -> Result<Vec<String>, sqlx::Error> {
    live_ids(db, "SELECT id FROM users WHERE tenant_id = ? AND deleted_at IS NULL", tenant).await
}

/// The ids of the tenant's groups that are not soft-deleted.
pub async fn live_groups(db: &Database, tenant: &str) -> Result<Vec<String>, sqlx::Error> {
    let sql = "SELECT id FROM user_groups WHERE tenant_id = ? AND deleted_at IS NULL";
    live_ids(db, sql, tenant).await
}

async fn live_ids(db: &Database, sql: &str, tenant: &str) -> Result<Vec<String>, sqlx::Error> {
    with_pool!(db, pool => sqlx::query_scalar(sql).bind(tenant).fetch_all(pool).await)
}

/// The `(group, user)` memberships of the tenant's groups that are not soft-deleted.
pub async fn live_members(
    db: &Database,
    tenant: &str,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    with_pool!(db, pool => {
        sqlx::query_as(
            "SELECT m.group_id, m.user_id FROM group_members m JOIN user_groups g ON g.id = m.group_id \
             WHERE g.tenant_id = ? AND m.deleted_at IS NULL",
        )
        .bind(tenant)
        .fetch_all(pool)
        .await
    })
}

/// How many users the group reconcile made and unmade super admins.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reconciled {
    pub promoted: u64,
    pub demoted: u64,
}

/// Makes the members of `groups` (ScaiKey group ids or names, `SCAIFLOW_SUPER_ADMIN_GROUPS`)
/// super admins with source `group`, and takes the role from those whose role came from a
/// group they have left. Roles given by hand (`manual`) or at bootstrap are never taken away.
/// Only `only` when given, else every user; soft-deleted users are left as they are.
pub async fn reconcile_super_admins(
    db: &Database,
    groups: &[String],
    only: Option<&str>,
    now: i64,
) -> Result<Reconciled, sqlx::Error> {
    let member_filter = if only.is_some() { " AND m.user_id = ?" } else { "" };
    let members_sql = format!(
        "SELECT m.user_id, g.id, g.name FROM group_members m JOIN user_groups g ON g.id = m.group_id \
         WHERE m.deleted_at IS NULL AND g.deleted_at IS NULL{member_filter}"
    );
    let user_filter = if only.is_some() { " AND id = ?" } else { "" };
    let users_sql = format!(
        "SELECT id, admin_role, admin_role_source FROM users WHERE deleted_at IS NULL{user_filter}"
    );
    type Member = (String, String, String);
    type User = (String, Option<String>, Option<String>);
    let (members, users): (Vec<Member>, Vec<User>) = with_pool!(db, pool => {
        let mut members = sqlx::query_as(&members_sql);
        let mut users = sqlx::query_as(&users_sql);
        if let Some(user) = only {
            members = members.bind(user);
            users = users.bind(user);
        }
        let members: Vec<Member> = members.fetch_all(pool).await?;
        let users: Vec<User> = users.fetch_all(pool).await?;
        Ok::<_, sqlx::Error>((members, users))
    })?;
    let qualifying: HashSet<&str> = members
        .iter()
        .filter(|(_, id, name)| groups.iter().any(|g| g == id || g == name))
        .map(|(user, _, _)| user.as_str())
        .collect();
    let mut done = Reconciled::default();
    for (user, role, source) in &users {
        let qualifies = qualifying.contains(user.as_str());
        let is_super = role.as_deref() == Some("super_admin");
        if qualifies && !is_super {
            let sql = "UPDATE users SET admin_role = 'super_admin', admin_role_source = 'group', \
                       last_synced_at = ? WHERE id = ?";
            execute(db, sql, now, 1, &[user]).await?;
            tracing::info!(user = %user, "promoted to super admin by group membership");
            done.promoted += 1;
        } else if !qualifies && is_super && source.as_deref() == Some("group") {
            let sql = "UPDATE users SET admin_role = NULL, admin_role_source = NULL, \
                       last_synced_at = ? WHERE id = ?";
            execute(db, sql, now, 1, &[user]).await?;
            tracing::info!(user = %user, "super admin role removed with the group membership");
            done.demoted += 1;
        }
    }
    Ok(done)
}

/// How many live users are super admins.
pub async fn super_admin_count(db: &Database) -> Result<u64, sqlx::Error> {
    let count: i64 = with_pool!(db, pool => {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM users WHERE admin_role = 'super_admin' AND deleted_at IS NULL",
        )
        .fetch_one(pool)
        .await
    })?;
    Ok(u64::try_from(count).unwrap_or_default())
}

/// A user of the mirror as the role commands show them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MirrorUser {
    pub id: String,
    pub tenant_id: String,
    pub email: Option<String>,
    pub admin_role: Option<String>,
    pub admin_role_source: Option<String>,
}

/// The live users whose e-mail is `email_or_id` (whatever its case), or whose id it is.
pub async fn live_users_named(
    db: &Database,
    email_or_id: &str,
) -> Result<Vec<MirrorUser>, sqlx::Error> {
    with_pool!(db, pool => {
        sqlx::query_as(
            "SELECT id, tenant_id, email, admin_role, admin_role_source FROM users \
             WHERE deleted_at IS NULL AND (LOWER(email) = LOWER(?) OR id = ?) ORDER BY tenant_id, id",
        )
        .bind(email_or_id)
        .bind(email_or_id)
        .fetch_all(pool)
        .await
    })
}

/// Gives a user an admin role by hand (source `manual`, which the group reconcile never takes
/// away), or takes theirs away (`None`).
/// Sets a super admin's role to `role` (none, or `tenant_admin`) unless they are the last
/// super admin of the mirror: one statement, so two super admins demoting each other at once
/// cannot both succeed. False when it was refused (or the user is no longer a super admin).
pub async fn demote_super_admin(
    db: &Database,
    user: &str,
    role: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let source = role.map(|_| "manual");
    // The count goes through a derived table: MySQL does not let an UPDATE read its own table
    // in a plain subquery.
    let sql = "UPDATE users SET admin_role = ?, admin_role_source = ? \
               WHERE id = ? AND admin_role = 'super_admin' \
               AND (SELECT n FROM (SELECT COUNT(*) AS n FROM users \
                    WHERE admin_role = 'super_admin' AND deleted_at IS NULL) AS supers) > 1";
    // Two demotions at once lock the super admins' rows in turn, and InnoDB breaks the
    // deadlock by rolling one back; run again, it counts the other's demotion.
    db::retrying_deadlocks(|| async {
        with_pool!(db, pool => {
            sqlx::query(sql)
                .bind(role)
                .bind(source)
                .bind(user)
                .execute(pool)
                .await
                .map(|done| done.rows_affected() == 1)
        })
    })
    .await
}

pub async fn set_role(db: &Database, user: &str, role: Option<&str>) -> Result<(), sqlx::Error> {
    let source = role.map(|_| "manual");
    with_pool!(db, pool => {
        sqlx::query("UPDATE users SET admin_role = ?, admin_role_source = ? WHERE id = ?")
            .bind(role)
            .bind(source)
            .bind(user)
            .execute(pool)
            .await
            .map(|_| ())
    })
}

/// Runs `sql`, binding `now` to its first `times` parameters and `params` to the rest.
async fn execute(
    db: &Database,
    sql: &str,
    now: i64,
    times: usize,
    params: &[&str],
) -> Result<(), sqlx::Error> {
    with_pool!(db, pool => {
        let mut query = sqlx::query(sql);
        for _ in 0..times {
            query = query.bind(now);
        }
        for p in params {
            query = query.bind(*p);
        }
        query.execute(pool).await.map(|_| ())
    })
}

/// A user or group of a tenant, as the directory search finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// `user` or `group`.
    pub kind: PrincipalKind,
    pub id: String,
    /// The user's display name, or the group's name.
    pub name: Option<String>,
    pub email: Option<String>,
}

/// The live users and groups of `tenant` whose name, e-mail or id contains `search` (any
/// case): up to `limit` of each, users first, each kind by name.
pub async fn search(
    db: &Database,
    tenant: &str,
    search: &str,
    limit: u32,
) -> Result<Vec<Found>, sqlx::Error> {
    let pattern = crate::storage::db::contains_pattern(&search.trim().to_lowercase());
    let users_sql = "SELECT id, display_name, email FROM users \
                     WHERE tenant_id = ? AND deleted_at IS NULL \
                     AND (LOWER(id) LIKE ? ESCAPE '!' OR LOWER(COALESCE(display_name, '')) LIKE ? ESCAPE '!' \
                          OR LOWER(COALESCE(email, '')) LIKE ? ESCAPE '!') \
                     ORDER BY LOWER(COALESCE(display_name, email, id)), id LIMIT ?";
    let groups_sql = "SELECT id, name FROM user_groups \
                      WHERE tenant_id = ? AND deleted_at IS NULL \
                      AND (LOWER(id) LIKE ? ESCAPE '!' OR LOWER(name) LIKE ? ESCAPE '!') \
                      ORDER BY LOWER(name), id LIMIT ?";
    with_pool!(db, pool => {
        let users: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(users_sql)
            .bind(tenant)
            .bind(&pattern)
            .bind(&pattern)
            .bind(&pattern)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?;
        let groups: Vec<(String, String)> = sqlx::query_as(groups_sql)
            .bind(tenant)
            .bind(&pattern)
            .bind(&pattern)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?;
        let users = users.into_iter().map(|(id, name, email)| Found { kind: PrincipalKind::User, id, name, email });
        // A group ScaiKey has not named yet carries its id as its name.
        let groups = groups.into_iter().map(|(id, name)| Found {
            kind: PrincipalKind::Group,
            name: (!name.trim().is_empty() && name != id).then_some(name),
            id,
            email: None,
        });
        Ok(users.chain(groups).collect())
    })
}

/// The name (and for a user the e-mail) the mirror has for a grant's principal.
pub async fn principal_names(
    db: &Database,
    kind: &str,
    id: &str,
) -> Result<(Option<String>, Option<String>), sqlx::Error> {
    with_pool!(db, pool => {
        if kind == "user" {
            let found: Option<(Option<String>, Option<String>)> =
                sqlx::query_as("SELECT display_name, email FROM users WHERE id = ?")
                    .bind(id)
                    .fetch_optional(pool)
                    .await?;
            Ok(found.unwrap_or_default())
        } else {
            let found: Option<String> = sqlx::query_scalar("SELECT name FROM user_groups WHERE id = ?")
                .bind(id)
                .fetch_optional(pool)
                .await?;
            Ok((found.filter(|n| !n.trim().is_empty() && n != id), None))
        }
    })
}

/// Records a webhook event id (`webhook_events`); `false` when it was seen before.
pub async fn first_delivery(
    db: &Database,
    id: &str,
    kind: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let result = with_pool!(db, pool => {
        sqlx::query("INSERT INTO webhook_events (id, event_type, received_at) VALUES (?, ?, ?)")
            .bind(id)
            .bind(kind)
            .bind(now)
            .execute(pool)
            .await
            .map(|_| ())
    });
    crate::storage::db::inserted(result)
}
