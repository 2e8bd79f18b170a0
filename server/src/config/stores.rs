//! Where the server keeps its data: the SQL database (`SCAIFLOW_DB_URL`) and the object store
//! for flow documents (`SCAIFLOW_OBJECT_STORE`), parsed and checked.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use sqlx::mysql::MySqlConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;

/// Which SQL database holds the metadata.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A normalised `sqlite:` URL.
    Sqlite(String),
    /// A normalised `mysql://` URL (MariaDB or MySQL).
    MySql(String),
}

/// Where flow documents are stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectStoreUrl {
    /// A directory on the local filesystem.
    File(PathBuf),
    /// An S3 bucket, optionally under a key prefix.
    S3 { bucket: String, prefix: Option<String> },
}

impl DatabaseUrl {
    /// Accepts `sqlite:` and `mysql://` URLs, the `mariadb://` spelling, and the SQLAlchemy forms
    /// `sqlite+aiosqlite:///path` and `mysql+aiomysql://...` of older ScaiFlow configurations.
    pub fn parse(raw: &str) -> Result<DatabaseUrl, String> {
        if let Some(path) = raw.strip_prefix("sqlite+aiosqlite:///") {
            return Self::sqlite(&format!("sqlite://{path}"));
        }
        if raw.starts_with("sqlite:") {
            return Self::sqlite(raw);
        }
        for prefix in ["mysql+aiomysql://", "mariadb://", "mysql://"] {
            if let Some(rest) = raw.strip_prefix(prefix) {
                let url = format!("mysql://{rest}");
                MySqlConnectOptions::from_str(&url).map_err(|e| e.to_string())?;
                return Ok(DatabaseUrl::MySql(url));
            }
        }
        let scheme = raw.split(':').next().unwrap_or(raw);
        Err(format!(
            "unsupported database '{scheme}': use sqlite://PATH or mysql://USER:PASSWORD@HOST/DB"
        ))
    }

    fn sqlite(url: &str) -> Result<DatabaseUrl, String> {
        let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
        if path.is_empty() || path.starts_with('?') {
            return Err("the SQLite URL names no file (e.g. sqlite://./scaiflow.db)".to_owned());
        }
        SqliteConnectOptions::from_str(url).map_err(|e| e.to_string())?;
        Ok(DatabaseUrl::Sqlite(url.to_owned()))
    }

    /// `sqlite` or `mysql`.
    pub fn backend(&self) -> &'static str {
        match self {
            DatabaseUrl::Sqlite(_) => "sqlite",
            DatabaseUrl::MySql(_) => "mysql",
        }
    }
}

/// Never prints a password.
impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(url) => write!(f, "{url}"),
            DatabaseUrl::MySql(url) => match (url.find("://"), url.rfind('@')) {
                (Some(scheme_end), Some(at)) if at > scheme_end => {
                    let user = &url[scheme_end + 3..at];
                    let user = user.split(':').next().unwrap_or_default();
                    write!(f, "mysql://{user}:***@{}", &url[at + 1..])
                }
                _ => write!(f, "{url}"),
            },
        }
    }
}

impl ObjectStoreUrl {
    /// Accepts `file://PATH` (relative or absolute) and `s3://BUCKET[/PREFIX]`.
    pub fn parse(raw: &str) -> Result<ObjectStoreUrl, String> {
        if let Some(path) = raw.strip_prefix("file://") {
            if path.is_empty() {
                return Err("the file:// URL names no directory (e.g. file://./data)".to_owned());
            }
            return Ok(ObjectStoreUrl::File(PathBuf::from(path)));
        }
        if let Some(rest) = raw.strip_prefix("s3://") {
            let (bucket, prefix) = match rest.split_once('/') {
                Some((bucket, prefix)) => (bucket, prefix.trim_matches('/')),
                None => (rest, ""),
            };
            let valid_bucket = (3..=63).contains(&bucket.len())
                && bucket.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'
                });
            if !valid_bucket {
                return Err(format!(
                    "'{bucket}' is not an S3 bucket name (3-63 lower-case letters, digits, '-' or '.')"
                ));
            }
            return Ok(ObjectStoreUrl::S3 {
                bucket: bucket.to_owned(),
                prefix: (!prefix.is_empty()).then(|| prefix.to_owned()),
            });
        }
        Err("expected file://DIRECTORY or s3://BUCKET/PREFIX".to_owned())
    }

    /// `file` or `s3`.
    pub fn backend(&self) -> &'static str {
        match self {
            ObjectStoreUrl::File(_) => "file",
            ObjectStoreUrl::S3 { .. } => "s3",
        }
    }
}
