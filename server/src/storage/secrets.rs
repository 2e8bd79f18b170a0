//! The SQL of the local secret store (`secrets`): sealed values by path. Sealing and opening
//! are the store's (`crate::secrets`); this only keeps the bytes.

use crate::storage::db::Database;
use crate::with_pool;

/// The nonce and sealed value stored at `path`.
pub async fn sealed(db: &Database, path: &str) -> Result<Option<(Vec<u8>, Vec<u8>)>, sqlx::Error> {
    let sql = "SELECT nonce, sealed FROM secrets WHERE path = ?";
    with_pool!(db, pool => sqlx::query_as(sql).bind(path).fetch_optional(pool).await)
}

/// Stores a sealed value at `path`, replacing the one there.
pub async fn put_sealed(
    db: &Database,
    path: &str,
    nonce: &[u8],
    sealed: &[u8],
    now: i64,
) -> Result<(), sqlx::Error> {
    // The same upsert in each dialect.
    let sql = match db {
        Database::Sqlite(_) => {
            "INSERT INTO secrets (path, nonce, sealed, updated_at) VALUES (?, ?, ?, ?) \
             ON CONFLICT (path) DO UPDATE SET nonce = excluded.nonce, \
             sealed = excluded.sealed, updated_at = excluded.updated_at"
        }
        Database::MySql(_) => {
            "INSERT INTO secrets (path, nonce, sealed, updated_at) VALUES (?, ?, ?, ?) \
             ON DUPLICATE KEY UPDATE nonce = VALUES(nonce), sealed = VALUES(sealed), \
             updated_at = VALUES(updated_at)"
        }
    };
    with_pool!(db, pool => {
        sqlx::query(sql)
            .bind(path)
            .bind(nonce)
            .bind(sealed)
            .bind(now)
            .execute(pool)
            .await
            .map(|_| ())
    })
}
