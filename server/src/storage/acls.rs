//! The SQL of explicit grants on flows (`flow_acls`).

use crate::storage::db::Database;
use crate::with_pool;

/// A `flow_acls` row: an explicit grant.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AclRow {
    pub id: String,
    pub flow_id: String,
    pub principal_type: String,
    pub principal_id: String,
    pub level: String,
    pub granted_by: String,
    pub granted_at: i64,
}

const ACL_COLUMNS: &str =
    "id, flow_id, principal_type, principal_id, level, granted_by, granted_at";

/// A flow's explicit grants, oldest first.
pub async fn acls(db: &Database, flow_id: &str) -> Result<Vec<AclRow>, sqlx::Error> {
    let sql =
        format!("SELECT {ACL_COLUMNS} FROM flow_acls WHERE flow_id = ? ORDER BY granted_at, id");
    with_pool!(db, pool => sqlx::query_as(&sql).bind(flow_id).fetch_all(pool).await)
}

/// One grant of a flow.
pub async fn acl(db: &Database, flow_id: &str, id: &str) -> Result<Option<AclRow>, sqlx::Error> {
    let sql = format!("SELECT {ACL_COLUMNS} FROM flow_acls WHERE flow_id = ? AND id = ?");
    with_pool!(db, pool => sqlx::query_as(&sql).bind(flow_id).bind(id).fetch_optional(pool).await)
}

/// Records a grant; `false` when the principal already has one on the flow.
pub async fn insert_acl(db: &Database, acl: &AclRow) -> Result<bool, sqlx::Error> {
    let result = with_pool!(db, pool => {
        sqlx::query(
            "INSERT INTO flow_acls (id, flow_id, principal_type, principal_id, level, granted_by, granted_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&acl.id)
        .bind(&acl.flow_id)
        .bind(&acl.principal_type)
        .bind(&acl.principal_id)
        .bind(&acl.level)
        .bind(&acl.granted_by)
        .bind(acl.granted_at)
        .execute(pool)
        .await
        .map(|_| ())
    });
    crate::storage::db::inserted(result)
}

/// Removes a grant; `false` when there was none.
pub async fn delete_acl(db: &Database, flow_id: &str, id: &str) -> Result<bool, sqlx::Error> {
    with_pool!(db, pool => {
        let done = sqlx::query("DELETE FROM flow_acls WHERE flow_id = ? AND id = ?")
            .bind(flow_id)
            .bind(id)
            .execute(pool)
            .await?;
        Ok(done.rows_affected() == 1)
    })
}

/// Changes a grant's level; `false` when there is no such grant.
pub async fn set_acl_level(
    db: &Database,
    flow_id: &str,
    id: &str,
    level: &str,
) -> Result<bool, sqlx::Error> {
    with_pool!(db, pool => {
        let found: Option<String> =
            sqlx::query_scalar("SELECT id FROM flow_acls WHERE flow_id = ? AND id = ?")
                .bind(flow_id)
                .bind(id)
                .fetch_optional(pool)
                .await?;
        if found.is_none() {
            return Ok(false);
        }
        sqlx::query("UPDATE flow_acls SET level = ? WHERE flow_id = ? AND id = ?")
            .bind(level)
            .bind(flow_id)
            .bind(id)
            .execute(pool)
            .await?;
        Ok(true)
    })
}
