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

/// How often a statement InnoDB rolled back to break a deadlock runs again before its
/// failure stands.
const DEADLOCK_RETRIES: u32 = 5;

/// Runs `statement`, and runs it again when MariaDB chose it as a deadlock's victim
/// (SQLSTATE 40001). InnoDB undoes the whole statement, so running it again is safe, and the
/// second run sees what the winner committed: two conditional updates that lock the same
/// rows in turn (the last super admin's guard) end as one success and one refusal instead
/// of an internal error.
pub async fn retrying_deadlocks<T, F, Fut>(mut statement: F) -> Result<T, sqlx::Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, sqlx::Error>>,
{
    let mut retries = 0;
    loop {
        match statement().await {
            Err(e) if is_deadlock(&e) && retries < DEADLOCK_RETRIES => {
                retries += 1;
                tracing::debug!(retries, error = %e, "deadlock victim; running the statement again");
                tokio::time::sleep(Duration::from_millis(u64::from(retries) * 10)).await;
            }
            outcome => return outcome,
        }
    }
}

/// Whether `error` says the database rolled the statement back to break a deadlock
/// (SQLSTATE 40001, MariaDB's error 1213).
pub fn is_deadlock(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.code().as_deref() == Some("40001"))
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

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::cell::Cell;

    use super::*;

    /// A database error with the SQLSTATE `code`.
    #[derive(Debug)]
    struct Refused(&'static str);

    impl std::fmt::Display for Refused {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "refused with {}", self.0)
        }
    }

    impl std::error::Error for Refused {}

    impl sqlx::error::DatabaseError for Refused {
        fn message(&self) -> &str {
            "refused"
        }
        fn code(&self) -> Option<Cow<'_, str>> {
            Some(Cow::Borrowed(self.0))
        }
        fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
            self
        }
        fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
            self
        }
        fn kind(&self) -> sqlx::error::ErrorKind {
            sqlx::error::ErrorKind::Other
        }
    }

    fn refused(code: &'static str) -> sqlx::Error {
        sqlx::Error::Database(Box::new(Refused(code)))
    }

    /// Runs a statement that fails with `code` for its first `failures` runs; answers the
    /// outcome and how often it ran.
    async fn run(code: &'static str, failures: u32) -> (Result<u32, sqlx::Error>, u32) {
        let runs = Cell::new(0);
        let outcome = retrying_deadlocks(|| {
            runs.set(runs.get() + 1);
            let run = runs.get();
            async move { if run <= failures { Err(refused(code)) } else { Ok(run) } }
        })
        .await;
        (outcome, runs.get())
    }

    #[tokio::test]
    async fn a_deadlock_victim_runs_again_until_it_goes_through() {
        let (outcome, runs) = run("40001", 3).await;
        assert_eq!(outcome.unwrap(), 4);
        assert_eq!(runs, 4);
    }

    #[tokio::test]
    async fn deadlocks_past_the_retries_and_other_errors_stand() {
        let (outcome, runs) = run("40001", 100).await;
        assert!(outcome.as_ref().is_err_and(is_deadlock), "{outcome:?}");
        assert_eq!(runs, DEADLOCK_RETRIES + 1);
        // A unique key's refusal is an answer, not a deadlock: it is not run again.
        let (outcome, runs) = run("23000", 100).await;
        assert!(outcome.is_err_and(|e| !is_deadlock(&e)));
        assert_eq!(runs, 1);
    }
}
