//! Server configuration, built once at start-up; nothing else in the server reads the environment.
//!
//! Sources, lowest precedence first: `/etc/scaiflow/api.env`, `./.env`, the file named by
//! `SCAIFLOW_ENV_FILE`, then the process environment, which always wins. Every value is checked
//! here, so a typo stops the server at start with the variable's name instead of failing later.

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

mod stores;

pub use stores::{DatabaseUrl, ObjectStoreUrl};

/// Env files read when present, lowest precedence first.
const ENV_FILES: [&str; 2] = ["/etc/scaiflow/api.env", ".env"];

/// A configuration value that cannot be used, or an env file that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{var}={value:?} is not valid: {reason}")]
    Invalid { var: &'static str, value: String, reason: String },
    #[error("{reason}")]
    Refused { reason: String },
    #[error("cannot read env file {}: {message}", path.display())]
    EnvFile { path: PathBuf, message: String },
}

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub host: IpAddr,
    /// 0 lets the operating system pick a free port.
    pub port: u16,
    pub database: DatabaseUrl,
    pub object_store: ObjectStoreUrl,
    /// `AWS_*` settings (lower-cased keys) for an `s3://` object store.
    pub aws: Vec<(String, String)>,
    /// Where the built site lives: `pkg/scaiflow.{js,wasm,css}` and the public assets.
    pub site_root: PathBuf,
    pub log_filter: String,
    pub log_format: LogFormat,
    pub auth: AuthMode,
    /// Request bodies larger than this are refused with 413.
    pub max_body_bytes: usize,
    /// Memory for caching flow contents.
    pub content_cache_bytes: usize,
    /// The server-wide ScaiGrid credential (`SCAIGRID_API_KEY`), the fallback when a tenant has
    /// none of its own.
    pub scaigrid: Option<ScaiGridCredential>,
    /// `SCAIGRID_BASE_URL`: where the signed-in user's own token is sent.
    pub scaigrid_url: String,
    /// `SCAIFLOW_DEPLOY_AUTH`: which credential ScaiGrid calls use.
    pub deploy_auth: DeployAuth,
    /// `SCAIFLOW_SCAIGRID_SIM=true` without `SCAIGRID_BASE_URL`: start the ScaiGrid stand-in
    /// (`scaigrid-sim`) in-process on loopback and use it, for trying deploys on one machine.
    pub scaigrid_sim: bool,
    /// `SCAIFLOW_API_TOKEN`: the shared bearer of the deprecated `POST /api/v1/dev/deploy`;
    /// unset turns that endpoint off.
    pub api_token: Option<ApiToken>,
    /// Where tenant secrets are kept.
    pub secrets: SecretsConfig,
    /// The HMAC secret ScaiKey signs webhook deliveries with; webhooks answer 503 without it.
    pub webhook_secret: Option<String>,
    /// ScaiKey groups (ids or names) whose members are super admins.
    pub super_admin_groups: Vec<String>,
    /// Minutes between two full ScaiKey syncs of the user mirror; 0 turns the loop off.
    pub sync_interval_minutes: u64,
    /// The ScaiKey application whose effective users the sync mirrors (`me`: the application
    /// the server's credentials belong to).
    pub scaikey_application_id: String,
    /// Where browsers reach this server (`SCAIFLOW_PUBLIC_URL`), for the OIDC redirect URI;
    /// taken from each request's `Host` when unset.
    pub public_url: Option<String>,
    /// The env files that were read, for the start-up log.
    pub env_files: Vec<PathBuf>,
}

/// Where ScaiGrid is and the key to call it with.
#[derive(Clone, PartialEq, Eq)]
pub struct ScaiGridCredential {
    pub base_url: String,
    pub api_key: String,
}

impl ScaiGridCredential {
    /// The key as it may be shown: its first and last four characters.
    pub fn masked_key(&self) -> String {
        let chars: Vec<char> = self.api_key.chars().collect();
        if chars.len() <= 8 {
            return "…".to_owned();
        }
        let head: String = chars[..4].iter().collect();
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("{head}…{tail}")
    }
}

impl fmt::Debug for ScaiGridCredential {
    /// Never prints the key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScaiGridCredential")
            .field("base_url", &self.base_url)
            .field("api_key", &self.masked_key())
            .finish()
    }
}

/// The legacy deploy's shared bearer token; never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiToken(pub String);

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(SCAIFLOW_API_TOKEN)")
    }
}

/// Where secrets (tenant ScaiGrid credentials) are kept.
#[derive(Clone, PartialEq, Eq)]
pub enum SecretsConfig {
    /// The database, sealed with the key given in hex (`SCAIFLOW_SECRET_KEY`) or kept in a file
    /// (`SCAIFLOW_SECRET_KEY_FILE`, created 0600 when missing).
    Local { key_hex: Option<String>, key_file: PathBuf },
    /// ScaiVault (`SCAIFLOW_SCAIVAULT_URL` with `SCAIFLOW_SCAIVAULT_TOKEN`).
    ScaiVault { url: String, token: String },
}

impl fmt::Debug for SecretsConfig {
    /// Never prints a key or token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretsConfig::Local { key_hex, key_file } => f
                .debug_struct("Local")
                .field("key", &key_hex.as_ref().map(|_| "(SCAIFLOW_SECRET_KEY)"))
                .field("key_file", key_file)
                .finish(),
            SecretsConfig::ScaiVault { url, .. } => {
                f.debug_struct("ScaiVault").field("url", url).finish()
            }
        }
    }
}

/// Which credential ScaiGrid calls use (`SCAIFLOW_DEPLOY_AUTH`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeployAuth {
    /// The signed-in user's token, else the tenant's key, else `SCAIGRID_API_KEY`.
    Default,
    /// Only the signed-in user's token.
    UserJwt,
    /// Only API keys (the tenant's, else `SCAIGRID_API_KEY`).
    ApiKey,
}

/// The public ScaiGrid endpoint, used when `SCAIGRID_BASE_URL` is not set.
pub const DEFAULT_SCAIGRID_URL: &str = "https://scaigrid.scailabs.ai";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per event, for log collectors.
    Json,
}

/// How callers are identified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthMode {
    /// No identity provider and bound to loopback: one local user who may do everything.
    Local,
    /// `SCAIFLOW_AUTH_DISABLED=true`: a fixed principal whatever the caller sends (never in
    /// production).
    Disabled,
    /// ScaiKey OIDC.
    ScaiKey(ScaiKeySettings),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaiKeySettings {
    pub base_url: String,
    pub client_id: String,
    pub client_secret: String,
    /// Expected token audience; the client id when unset.
    pub audience: String,
    /// What the browser asks for at sign-in (`SCAIFLOW_SCAIKEY_SCOPES`, space-separated).
    pub scopes: String,
}

/// The longest background sync interval (a year), so the period is always a valid duration.
pub const MAX_SYNC_INTERVAL_MINUTES: u64 = 365 * 24 * 60;

/// The scopes the browser requests unless `SCAIFLOW_SCAIKEY_SCOPES` says otherwise.
pub const DEFAULT_SCAIKEY_SCOPES: &str = "openid profile email scaicore:view scaicore:manage";

impl Config {
    /// Reads the env files and the process environment.
    pub fn load() -> Result<Config, ConfigError> {
        let mut vars = HashMap::new();
        let mut env_files = Vec::new();
        for path in ENV_FILES.map(Path::new) {
            if path.is_file() {
                read_env_file(path, &mut vars)?;
                env_files.push(path.to_owned());
            }
        }
        let process: HashMap<String, String> = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        let explicit = process.get("SCAIFLOW_ENV_FILE").or_else(|| vars.get("SCAIFLOW_ENV_FILE"));
        if let Some(explicit) = explicit.cloned() {
            let path = PathBuf::from(explicit);
            read_env_file(&path, &mut vars)?;
            env_files.push(path);
        }
        vars.extend(process);
        let mut config = Config::from_vars(&vars)?;
        config.env_files = env_files;
        Ok(config)
    }

    /// Builds the configuration from a variable map (the merged sources).
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Config, ConfigError> {
        let get = |name: &str| vars.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());

        let (host, port) = listen_address(&get)?;
        let database = match get("SCAIFLOW_DB_URL") {
            None => DatabaseUrl::Sqlite("sqlite://./scaiflow.db".to_owned()),
            Some(raw) => {
                DatabaseUrl::parse(raw).map_err(|r| invalid("SCAIFLOW_DB_URL", raw, &r))?
            }
        };
        let object_store = match get("SCAIFLOW_OBJECT_STORE") {
            None => ObjectStoreUrl::File(PathBuf::from("./data")),
            Some(raw) => {
                ObjectStoreUrl::parse(raw).map_err(|r| invalid("SCAIFLOW_OBJECT_STORE", raw, &r))?
            }
        };
        let mut aws: Vec<(String, String)> = vars
            .iter()
            .filter(|(k, _)| k.starts_with("AWS_"))
            .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
            .collect();
        aws.sort();
        let site_root = PathBuf::from(
            get("SCAIFLOW_SITE_ROOT").or_else(|| get("LEPTOS_SITE_ROOT")).unwrap_or("target/site"),
        );
        let log_filter =
            get("SCAIFLOW_LOG").or_else(|| get("RUST_LOG")).unwrap_or("info").to_owned();
        let log_format = match get("SCAIFLOW_LOG_FORMAT").map(str::to_ascii_lowercase).as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(_) => {
                let raw = get("SCAIFLOW_LOG_FORMAT").unwrap_or_default();
                return Err(invalid("SCAIFLOW_LOG_FORMAT", raw, "expected text or json"));
            }
        };
        let auth_disabled = match get("SCAIFLOW_AUTH_DISABLED") {
            None => false,
            Some(raw) => parse_bool(raw)
                .ok_or_else(|| invalid("SCAIFLOW_AUTH_DISABLED", raw, "expected true or false"))?,
        };
        let auth = auth_mode(host, auth_disabled, &get)?;
        let max_body_bytes = match get("SCAIFLOW_MAX_BODY_BYTES") {
            None => 8 * 1024 * 1024,
            Some(raw) => raw.parse().ok().filter(|n| *n >= 1024).ok_or_else(|| {
                invalid("SCAIFLOW_MAX_BODY_BYTES", raw, "expected a number of bytes, at least 1024")
            })?,
        };
        let content_cache_bytes = match get("SCAIFLOW_CONTENT_CACHE_MB") {
            None => 64 * 1024 * 1024,
            Some(raw) => raw.parse::<usize>().map(|mb| mb * 1024 * 1024).map_err(|_| {
                invalid(
                    "SCAIFLOW_CONTENT_CACHE_MB",
                    raw,
                    "expected a number of megabytes (0 turns the cache off)",
                )
            })?,
        };

        let scaigrid_sim = match get("SCAIFLOW_SCAIGRID_SIM") {
            None => false,
            Some(raw) => parse_bool(raw)
                .ok_or_else(|| invalid("SCAIFLOW_SCAIGRID_SIM", raw, "expected true or false"))?,
        } && get("SCAIGRID_BASE_URL").is_none();
        let api_token = get("SCAIFLOW_API_TOKEN").map(str::trim).filter(|t| !t.is_empty());
        let api_token = api_token.map(|t| ApiToken(t.to_owned()));
        let scaigrid_url =
            http_url(&get, "SCAIGRID_BASE_URL")?.unwrap_or_else(|| DEFAULT_SCAIGRID_URL.to_owned());
        let scaigrid = get("SCAIGRID_API_KEY").filter(|key| !key.trim().is_empty()).map(|key| {
            ScaiGridCredential { base_url: scaigrid_url.clone(), api_key: key.trim().to_owned() }
        });
        let deploy_auth = match get("SCAIFLOW_DEPLOY_AUTH").map(str::trim) {
            None | Some("") => DeployAuth::Default,
            Some("user_jwt") => DeployAuth::UserJwt,
            Some("api_key") => DeployAuth::ApiKey,
            Some(raw) => {
                return Err(invalid("SCAIFLOW_DEPLOY_AUTH", raw, "expected user_jwt or api_key"));
            }
        };

        let secrets = secrets(&get)?;

        let webhook_secret =
            get("SCAIFLOW_SCAIKEY_WEBHOOK_SECRET").filter(|s| !s.is_empty()).map(str::to_owned);
        let super_admin_groups = get("SCAIFLOW_SUPER_ADMIN_GROUPS")
            .map(|raw| {
                raw.split(',').map(str::trim).filter(|g| !g.is_empty()).map(str::to_owned).collect()
            })
            .unwrap_or_default();

        let sync_interval_minutes = match get("SCAIFLOW_SYNC_INTERVAL_MINUTES") {
            None => 60,
            Some(raw) => {
                raw.parse().ok().filter(|m| *m <= MAX_SYNC_INTERVAL_MINUTES).ok_or_else(|| {
                    invalid(
                        "SCAIFLOW_SYNC_INTERVAL_MINUTES",
                        raw,
                        "expected a whole number of minutes up to 525600 (a year); 0 turns the \
                         background sync off",
                    )
                })?
            }
        };
        let scaikey_application_id = match get("SCAIFLOW_SCAIKEY_APPLICATION_ID") {
            None => "me".to_owned(),
            Some(raw) if raw.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b)) => {
                raw.to_owned()
            }
            Some(raw) => {
                return Err(invalid(
                    "SCAIFLOW_SCAIKEY_APPLICATION_ID",
                    raw,
                    "expected an application id (letters, digits, '_', '-', '.') or me",
                ));
            }
        };

        let public_url = http_url(&get, "SCAIFLOW_PUBLIC_URL")?;

        Ok(Config {
            host,
            scaigrid,
            scaigrid_url,
            deploy_auth,
            scaigrid_sim,
            api_token,
            secrets,
            webhook_secret,
            super_admin_groups,
            sync_interval_minutes,
            scaikey_application_id,
            public_url,
            port,
            database,
            object_store,
            aws,
            site_root,
            log_filter,
            log_format,
            auth,
            max_body_bytes,
            content_cache_bytes,
            env_files: Vec::new(),
        })
    }

    pub fn listen_addr(&self) -> SocketAddr {
        SocketAddr::new(self.host, self.port)
    }
}

/// The address the server listens on (`SCAIFLOW_API_HOST`, `SCAIFLOW_API_PORT`).
fn listen_address<'a>(
    get: &impl Fn(&str) -> Option<&'a str>,
) -> Result<(IpAddr, u16), ConfigError> {
    let host = match get("SCAIFLOW_API_HOST") {
        None => IpAddr::from([127, 0, 0, 1]),
        Some("localhost") => IpAddr::from([127, 0, 0, 1]),
        Some(raw) => raw.parse().map_err(|_| {
            invalid("SCAIFLOW_API_HOST", raw, "expected an IP address such as 127.0.0.1 or 0.0.0.0")
        })?,
    };
    let port = match get("SCAIFLOW_API_PORT") {
        None => 8001,
        Some(raw) => raw.parse().map_err(|_| {
            invalid("SCAIFLOW_API_PORT", raw, "expected a port number from 0 to 65535")
        })?,
    };
    Ok((host, port))
}

/// An http(s) URL without its trailing slashes, if `var` is set.
fn http_url<'a>(
    get: &impl Fn(&str) -> Option<&'a str>,
    var: &'static str,
) -> Result<Option<String>, ConfigError> {
    match get(var) {
        None => Ok(None),
        Some(raw) if raw.starts_with("http://") || raw.starts_with("https://") => {
            Ok(Some(raw.trim_end_matches('/').to_owned()))
        }
        Some(raw) => Err(invalid(var, raw, "expected an http(s):// URL")),
    }
}

/// Where tenant secrets are kept: ScaiVault when both of its variables are set, else the local
/// store (with its key from `SCAIFLOW_SECRET_KEY` or the key file).
fn secrets<'a>(get: &impl Fn(&str) -> Option<&'a str>) -> Result<SecretsConfig, ConfigError> {
    let secrets = match (get("SCAIFLOW_SCAIVAULT_URL"), get("SCAIFLOW_SCAIVAULT_TOKEN")) {
        (Some(url), Some(token)) => {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(invalid("SCAIFLOW_SCAIVAULT_URL", url, "expected an http(s):// URL"));
            }
            SecretsConfig::ScaiVault { url: url.to_owned(), token: token.to_owned() }
        }
        (None, None) => {
            let key_hex = get("SCAIFLOW_SECRET_KEY").map(str::to_owned);
            if let Some(raw) = &key_hex
                && hex::decode_to_slice(raw.trim(), &mut [0_u8; 32]).is_err()
            {
                return Err(invalid(
                    "SCAIFLOW_SECRET_KEY",
                    "(hidden)",
                    "expected 64 hex digits (a 256-bit key, e.g. from `openssl rand -hex 32`)",
                ));
            }
            let key_file =
                PathBuf::from(get("SCAIFLOW_SECRET_KEY_FILE").unwrap_or("./scaiflow-secret.key"));
            SecretsConfig::Local { key_hex, key_file }
        }
        (url, _) => {
            let missing =
                if url.is_some() { "SCAIFLOW_SCAIVAULT_TOKEN" } else { "SCAIFLOW_SCAIVAULT_URL" };
            return Err(ConfigError::Refused {
                reason: format!(
                    "ScaiVault needs both SCAIFLOW_SCAIVAULT_URL and SCAIFLOW_SCAIVAULT_TOKEN; {missing} is not set"
                ),
            });
        }
    };
    Ok(secrets)
}

/// Local mode is only safe when nobody else can reach the server.
fn auth_mode<'a>(
    host: IpAddr,
    disabled: bool,
    get: &impl Fn(&str) -> Option<&'a str>,
) -> Result<AuthMode, ConfigError> {
    const SCAIKEY: [&str; 3] =
        ["SCAIKEY_BASE_URL", "SCAIFLOW_SCAIKEY_CLIENT_ID", "SCAIFLOW_SCAIKEY_CLIENT_SECRET"];
    let set: Vec<&str> = SCAIKEY.iter().copied().filter(|name| get(name).is_some()).collect();
    if set.len() == SCAIKEY.len() {
        let base_url = get(SCAIKEY[0]).unwrap_or_default();
        if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
            return Err(invalid(SCAIKEY[0], base_url, "expected an http:// or https:// URL"));
        }
        let client_id = get(SCAIKEY[1]).unwrap_or_default().to_owned();
        return Ok(AuthMode::ScaiKey(ScaiKeySettings {
            base_url: base_url.trim_end_matches('/').to_owned(),
            audience: get("SCAIKEY_AUDIENCE").map_or_else(|| client_id.clone(), str::to_owned),
            client_id,
            client_secret: get(SCAIKEY[2]).unwrap_or_default().to_owned(),
            scopes: get("SCAIFLOW_SCAIKEY_SCOPES")
                .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| DEFAULT_SCAIKEY_SCOPES.to_owned()),
        }));
    }
    if !set.is_empty() {
        let missing: Vec<&str> = SCAIKEY.iter().copied().filter(|n| !set.contains(n)).collect();
        return Err(ConfigError::Refused {
            reason: format!(
                "ScaiKey is partly configured: {} set but {} missing; set all three or none",
                set.join(", "),
                missing.join(", ")
            ),
        });
    }
    if disabled {
        return Ok(AuthMode::Disabled);
    }
    if !host.is_loopback() {
        return Err(ConfigError::Refused {
            reason: format!(
                "refusing to listen on {host} without ScaiKey: anyone who can reach it could \
                 edit flows; configure SCAIKEY_BASE_URL, SCAIFLOW_SCAIKEY_CLIENT_ID and \
                 SCAIFLOW_SCAIKEY_CLIENT_SECRET, or set SCAIFLOW_AUTH_DISABLED=true on purpose"
            ),
        });
    }
    Ok(AuthMode::Local)
}

fn invalid(var: &'static str, value: &str, reason: &str) -> ConfigError {
    ConfigError::Invalid { var, value: value.to_owned(), reason: reason.to_owned() }
}

fn parse_bool(raw: &str) -> Option<bool> {
    match raw.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

fn read_env_file(path: &Path, vars: &mut HashMap<String, String>) -> Result<(), ConfigError> {
    let error = |message: String| ConfigError::EnvFile { path: path.to_owned(), message };
    let entries = dotenvy::from_path_iter(path).map_err(|e| error(e.to_string()))?;
    for entry in entries {
        let (key, value) = entry.map_err(|e| error(e.to_string()))?;
        vars.insert(key, value);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
