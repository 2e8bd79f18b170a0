//! The metadata database: SQLite (the embedded default) or MariaDB/MySQL, chosen by URL.
//!
//! Each backend has its own migration set under `migrations/`; both define the same schema.

use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::{MigrateError, Migrator};
use sqlx::mysql::{MySqlConnectOptions, MySqlPool, MySqlPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

use crate::config::DatabaseUrl;

/// Runs the same code against whichever pool the database holds: `with_pool!(db, pool => expr)`.
/// The SQL must read the same in both dialects (sqlx uses `?` placeholders for SQLite and
/// MySQL alike); where they differ, branch on [`Database::backend`].
#[macro_export]
macro_rules! with_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::storage::db::Database::Sqlite($pool) => $body,
            $crate::storage::db::Database::MySql($pool) => $body,
        }
    };
}

/// A `LIKE` pattern matching `text` anywhere, its wildcards escaped with `!` (use
/// `ESCAPE '!'`, which both dialects take).
pub fn contains_pattern(text: &str) -> String {
    let escaped = text.replace('!', "!!").replace('%', "!%").replace('_', "!_");
    format!("%{escaped}%")
}

/// An insert's outcome: `Ok(false)` when a unique key refused the row (it exists already),
/// other failures as they are.
pub fn inserted(result: Result<(), sqlx::Error>) -> Result<bool, sqlx::Error> {
    match result {
        Ok(()) => Ok(true),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(false),
        Err(e) => Err(e),
    }
}

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static MYSQL_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/mysql");

/// How long a connection waits for a SQLite write lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A connection pool to one of the supported databases.
#[derive(Debug, Clone)]
pub enum Database {
    Sqlite(SqlitePool),
    MySql(MySqlPool),
}

impl Database {
    /// Opens a pool; a SQLite file is created if missing (its directory must exist).
    pub async fn connect(url: &DatabaseUrl) -> Result<Database, sqlx::Error> {
        match url {
            DatabaseUrl::Sqlite(url) => {
                let options = SqliteConnectOptions::from_str(url)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT)
                    .foreign_keys(true);
                let pool = SqlitePoolOptions::new()
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?;
                Ok(Database::Sqlite(pool))
            }
            DatabaseUrl::MySql(url) => {
                let options = MySqlConnectOptions::from_str(url)?;
                let pool = MySqlPoolOptions::new()
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?;
                Ok(Database::MySql(pool))
            }
        }
    }

    /// Applies every migration not yet applied; a no-op on an up-to-date database.
    pub async fn migrate(&self) -> Result<(), MigrateError> {
        match self {
            Database::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await,
            Database::MySql(pool) => MYSQL_MIGRATIONS.run(pool).await,
        }
    }

    /// A round trip to the database.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        match self {
            Database::Sqlite(pool) => sqlx::query("SELECT 1").execute(pool).await.map(drop),
            Database::MySql(pool) => sqlx::query("SELECT 1").execute(pool).await.map(drop),
        }
    }

    /// `sqlite` or `mysql`.
    pub fn backend(&self) -> &'static str {
        match self {
            Database::Sqlite(_) => "sqlite",
            Database::MySql(_) => "mysql",
        }
    }

    /// Waits for checked-out connections to return, then closes them all.
    pub async fn close(&self) {
        match self {
            Database::Sqlite(pool) => pool.close().await,
            Database::MySql(pool) => pool.close().await,
        }
    }
}
