//! The SQL of flows: metadata rows, version rows, ACL lookups and deployments. Every statement
//! reads the same in SQLite and MySQL, so each is written once and run on either pool.

use sqlx::QueryBuilder;

use crate::caller::{Access, Principal};
use crate::storage::db::Database;
use crate::with_pool;

/// A `flows` row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FlowRow {
    pub id: String,
    pub tenant_id: String,
    pub owner_id: String,
    pub name: String,
    pub description: String,
    pub current_version: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub deleted_at: Option<i64>,
}

/// A `flow_versions` row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct VersionRow {
    pub flow_id: String,
    pub version: String,
    pub seq: i64,
    pub object_key: String,
    pub sha256: String,
    pub size: i64,
    pub author_id: String,
    pub created_at: i64,
}

/// A `deployments` row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DeploymentRow {
    pub id: String,
    pub flow_id: String,
    pub version: String,
    pub status: String,
    pub core_id: Option<String>,
    pub published_slug: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub deployed_by: String,
    pub created_at: i64,
    /// The stage a running deployment is in, or the one a failed deployment failed in.
    pub stage: Option<String>,
    pub finished_at: Option<i64>,
}

/// Which flows a listing wants.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Substring of the name, case-insensitive.
    pub search: Option<String>,
    /// Soft-deleted flows instead of live ones.
    pub deleted: bool,
    /// Continue after this `(name, id)`.
    pub after: Option<(String, String)>,
    pub limit: u32,
}

const FLOW_COLUMNS: &str = "id, tenant_id, owner_id, name, description, current_version, created_at, updated_at, deleted_at";
const VERSION_COLUMNS: &str =
    "flow_id, version, seq, object_key, sha256, size, author_id, created_at";

/// The flow `id` of `tenant` (of any tenant for `None`), deleted or not.
pub async fn flow(
    db: &Database,
    tenant: Option<&str>,
    id: &str,
) -> Result<Option<FlowRow>, sqlx::Error> {
    let sql = match tenant {
        Some(_) => format!("SELECT {FLOW_COLUMNS} FROM flows WHERE id = ? AND tenant_id = ?"),
        None => format!("SELECT {FLOW_COLUMNS} FROM flows WHERE id = ?"),
    };
    with_pool!(db, pool => {
        let mut query = sqlx::query_as(&sql).bind(id);
        if let Some(tenant) = tenant {
            query = query.bind(tenant);
        }
        query.fetch_optional(pool).await
    })
}

/// One version of a flow.
pub async fn version(
    db: &Database,
    flow_id: &str,
    version: &str,
) -> Result<Option<VersionRow>, sqlx::Error> {
    let sql =
        format!("SELECT {VERSION_COLUMNS} FROM flow_versions WHERE flow_id = ? AND version = ?");
    with_pool!(db, pool => {
        sqlx::query_as(&sql).bind(flow_id).bind(version).fetch_optional(pool).await
    })
}

/// Every version of a flow, newest first.
pub async fn versions(db: &Database, flow_id: &str) -> Result<Vec<VersionRow>, sqlx::Error> {
    let sql =
        format!("SELECT {VERSION_COLUMNS} FROM flow_versions WHERE flow_id = ? ORDER BY seq DESC");
    with_pool!(db, pool => {
        sqlx::query_as(&sql).bind(flow_id).fetch_all(pool).await
    })
}

/// The highest access an explicit grant gives `principal` on `flow_id`, if any.
pub async fn granted(
    db: &Database,
    flow_id: &str,
    principal: &Principal,
) -> Result<Option<Access>, sqlx::Error> {
    with_pool!(db, pool => {
        let mut query = QueryBuilder::new("SELECT level FROM flow_acls WHERE flow_id = ");
        query.push_bind(flow_id);
        push_principal_match(&mut query, principal);
        let levels: Vec<String> = query.build_query_scalar().fetch_all(pool).await?;
        Ok(levels.iter().filter_map(|l| Access::parse(l)).max())
    })
}

/// ` AND (grant names the user, or one of their groups)`.
fn push_principal_match<'a, DB: sqlx::Database>(
    query: &mut QueryBuilder<'a, DB>,
    principal: &'a Principal,
) where
    &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    query.push(" AND ((principal_type = 'user' AND principal_id = ");
    query.push_bind(principal.user_id.as_str());
    query.push(")");
    if !principal.groups.is_empty() {
        query.push(" OR (principal_type = 'group' AND principal_id IN (");
        let mut separated = query.separated(", ");
        for group in &principal.groups {
            separated.push_bind(group.as_str());
        }
        query.push("))");
    }
    query.push(")");
}

/// ` WHERE ...` shared by the listing and its count: tenant, deleted or not, name search, and
/// (for callers who are not tenant admins) ownership or a grant.
fn push_list_filter<'a, DB: sqlx::Database>(
    query: &mut QueryBuilder<'a, DB>,
    principal: &'a Principal,
    filter: &'a ListFilter,
    pattern: &'a Option<String>,
) where
    &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    query.push(" WHERE tenant_id = ");
    query.push_bind(principal.tenant_id.as_str());
    query.push(if filter.deleted {
        " AND deleted_at IS NOT NULL"
    } else {
        " AND deleted_at IS NULL"
    });
    if let Some(pattern) = pattern {
        query.push(" AND name LIKE ");
        query.push_bind(pattern.as_str());
        query.push(" ESCAPE '!'");
    }
    if !principal.is_tenant_admin() {
        query.push(" AND (owner_id = ");
        query.push_bind(principal.user_id.as_str());
        query.push(" OR EXISTS (SELECT 1 FROM flow_acls WHERE flow_acls.flow_id = flows.id");
        push_principal_match(query, principal);
        query.push("))");
    }
}

/// A page of the flows `principal` may see, ordered by name, and how many match in all.
pub async fn list(
    db: &Database,
    principal: &Principal,
    filter: &ListFilter,
) -> Result<(Vec<FlowRow>, i64), sqlx::Error> {
    let pattern = filter.search.as_deref().map(crate::storage::db::contains_pattern);
    with_pool!(db, pool => {
        let mut count = QueryBuilder::new("SELECT COUNT(*) FROM flows");
        push_list_filter(&mut count, principal, filter, &pattern);
        let total: i64 = count.build_query_scalar().fetch_one(pool).await?;

        let mut page = QueryBuilder::new(format!("SELECT {FLOW_COLUMNS} FROM flows"));
        push_list_filter(&mut page, principal, filter, &pattern);
        if let Some((name, id)) = &filter.after {
            page.push(" AND (name > ");
            page.push_bind(name.as_str());
            page.push(" OR (name = ");
            page.push_bind(name.as_str());
            page.push(" AND id > ");
            page.push_bind(id.as_str());
            page.push("))");
        }
        page.push(" ORDER BY name, id LIMIT ");
        page.push_bind(i64::from(filter.limit));
        let rows = page.build_query_as().fetch_all(pool).await?;
        Ok((rows, total))
    })
}

/// Inserts a new flow and its first version in one transaction.
pub async fn create(db: &Database, flow: &FlowRow, first: &VersionRow) -> Result<(), sqlx::Error> {
    let insert_flow =
        format!("INSERT INTO flows ({FLOW_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    let insert_version =
        format!("INSERT INTO flow_versions ({VERSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    with_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query(&insert_flow)
            .bind(&flow.id)
            .bind(&flow.tenant_id)
            .bind(&flow.owner_id)
            .bind(&flow.name)
            .bind(&flow.description)
            .bind(&flow.current_version)
            .bind(flow.created_at)
            .bind(flow.updated_at)
            .bind(flow.deleted_at)
            .execute(&mut *tx)
            .await?;
        sqlx::query(&insert_version)
            .bind(&first.flow_id)
            .bind(&first.version)
            .bind(first.seq)
            .bind(&first.object_key)
            .bind(&first.sha256)
            .bind(first.size)
            .bind(&first.author_id)
            .bind(first.created_at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    })
}

/// What a save changes on the flow row.
pub struct Update<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub updated_at: i64,
    /// A new version to record, if the content changed.
    pub version: Option<&'a VersionRow>,
}

/// Applies `update` if the flow is still live at `expected` version; `false` (and nothing
/// written) when another save got there first or the flow is gone.
pub async fn update(
    db: &Database,
    tenant: &str,
    id: &str,
    expected: &str,
    update: &Update<'_>,
) -> Result<bool, sqlx::Error> {
    let insert_version =
        format!("INSERT INTO flow_versions ({VERSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    let current = update.version.map_or(expected, |v| v.version.as_str());
    with_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        let moved = sqlx::query(
            "UPDATE flows SET name = ?, description = ?, current_version = ?, updated_at = ? \
             WHERE id = ? AND tenant_id = ? AND current_version = ? AND deleted_at IS NULL",
        )
        .bind(update.name)
        .bind(update.description)
        .bind(current)
        .bind(update.updated_at)
        .bind(id)
        .bind(tenant)
        .bind(expected)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        if let Some(v) = update.version {
            sqlx::query(&insert_version)
                .bind(&v.flow_id)
                .bind(&v.version)
                .bind(v.seq)
                .bind(&v.object_key)
                .bind(&v.sha256)
                .bind(v.size)
                .bind(&v.author_id)
                .bind(v.created_at)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    })
}

/// Sets or clears `deleted_at`; `false` when the flow was not in the opposite state.
pub async fn set_deleted(
    db: &Database,
    tenant: &str,
    id: &str,
    deleted_at: Option<i64>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let sql = if deleted_at.is_some() {
        "UPDATE flows SET deleted_at = ?, updated_at = ? WHERE id = ? AND tenant_id = ? AND deleted_at IS NULL"
    } else {
        "UPDATE flows SET deleted_at = ?, updated_at = ? WHERE id = ? AND tenant_id = ? AND deleted_at IS NOT NULL"
    };
    with_pool!(db, pool => {
        let done = sqlx::query(sql).bind(deleted_at).bind(now).bind(id).bind(tenant).execute(pool).await?;
        Ok(done.rows_affected() == 1)
    })
}

/// A flow's deployments, newest first.
pub async fn deployments(db: &Database, flow_id: &str) -> Result<Vec<DeploymentRow>, sqlx::Error> {
    with_pool!(db, pool => {
        sqlx::query_as(
            "SELECT id, flow_id, version, status, core_id, published_slug, error_code, error_message, \
             deployed_by, created_at, stage, finished_at FROM deployments WHERE flow_id = ? \
             ORDER BY created_at DESC, id DESC",
        )
        .bind(flow_id)
        .fetch_all(pool)
        .await
    })
}

/// The Core of the flow's newest successful deployment, which a redeploy updates.
pub async fn deployed_core(db: &Database, flow_id: &str) -> Result<Option<String>, sqlx::Error> {
    with_pool!(db, pool => {
        sqlx::query_scalar(
            "SELECT core_id FROM deployments WHERE flow_id = ? AND status = 'succeeded' \
             AND core_id IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT 1",
        )
        .bind(flow_id)
        .fetch_optional(pool)
        .await
    })
}

/// Records a deployment that has just started (`status` = `running`).
pub async fn insert_deployment(
    db: &Database,
    row: &DeploymentRow,
    tenant_id: &str,
) -> Result<(), sqlx::Error> {
    with_pool!(db, pool => {
        sqlx::query(
            "INSERT INTO deployments (id, flow_id, tenant_id, version, status, core_id, published_slug, \
             error_code, error_message, deployed_by, created_at, stage, finished_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&row.id)
        .bind(&row.flow_id)
        .bind(tenant_id)
        .bind(&row.version)
        .bind(&row.status)
        .bind(&row.core_id)
        .bind(&row.published_slug)
        .bind(&row.error_code)
        .bind(&row.error_message)
        .bind(&row.deployed_by)
        .bind(row.created_at)
        .bind(&row.stage)
        .bind(row.finished_at)
        .execute(pool)
        .await
        .map(|_| ())
    })
}

/// Moves a running deployment to `stage`.
pub async fn set_deployment_stage(db: &Database, id: &str, stage: &str) -> Result<(), sqlx::Error> {
    with_pool!(db, pool => {
        sqlx::query("UPDATE deployments SET stage = ? WHERE id = ? AND status = 'running'")
            .bind(stage)
            .bind(id)
            .execute(pool)
            .await
            .map(|_| ())
    })
}

/// Marks deployments still `running` that started before `started_before` as failed
/// (`interrupted`): the server stopped during them. How many.
pub async fn fail_stale_deployments(
    db: &Database,
    started_before: i64,
    now: i64,
) -> Result<u64, sqlx::Error> {
    with_pool!(db, pool => {
        sqlx::query(
            "UPDATE deployments SET status = 'failed', error_code = 'interrupted', \
             error_message = 'the server stopped during this deploy; deploy again', finished_at = ? \
             WHERE status = 'running' AND created_at < ?",
        )
        .bind(now)
        .bind(started_before)
        .execute(pool)
        .await
        .map(|done| done.rows_affected())
    })
}

/// Ends a deployment: its status, Core, published slug, error and `finished_at`.
pub async fn finish_deployment(db: &Database, row: &DeploymentRow) -> Result<(), sqlx::Error> {
    with_pool!(db, pool => {
        sqlx::query(
            "UPDATE deployments SET status = ?, stage = ?, core_id = ?, published_slug = ?, \
             error_code = ?, error_message = ?, finished_at = ? WHERE id = ?",
        )
        .bind(&row.status)
        .bind(&row.stage)
        .bind(&row.core_id)
        .bind(&row.published_slug)
        .bind(&row.error_code)
        .bind(&row.error_message)
        .bind(row.finished_at)
        .bind(&row.id)
        .execute(pool)
        .await
        .map(|_| ())
    })
}

/// Every object key a version row points at, for the orphan sweep.
pub async fn version_keys(db: &Database) -> Result<Vec<String>, sqlx::Error> {
    with_pool!(db, pool => sqlx::query_scalar("SELECT object_key FROM flow_versions").fetch_all(pool).await)
}

/// Every flow of `tenant`, whoever owns it, the trash included: id, name, owner, current
/// version, updated and deleted times; by name.
pub async fn tenant_flows(
    db: &Database,
    tenant: &str,
) -> Result<Vec<(String, String, String, String, i64, Option<i64>)>, sqlx::Error> {
    with_pool!(db, pool => {
        sqlx::query_as(
            "SELECT id, name, owner_id, current_version, updated_at, deleted_at FROM flows \
             WHERE tenant_id = ? ORDER BY name, id",
        )
        .bind(tenant)
        .fetch_all(pool)
        .await
    })
}
