//! Secrets (a tenant's ScaiGrid key and base URL) behind one trait, with two stores:
//!
//! - [`LocalSecrets`], the default: a database table whose values are sealed with AES-256-GCM
//!   under the server's secret key (`SCAIFLOW_SECRET_KEY`, or a key file created 0600 when the
//!   first secret is written), the path bound in as associated data so a value cannot be moved
//!   to another path;
//! - [`ScaiVault`]: ScaiVault's HTTP API (`GET`/`PUT /v1/secrets/{path}`), for production.
//!
//! Paths follow ScaiVault's rules (`tenants/{tenant_id}/scaigrid_api_key`).

use std::path::PathBuf;
use std::sync::OnceLock;

use aes_gcm::aead::{Aead, KeyInit, OsRng, Payload};
use aes_gcm::{AeadCore, Aes256Gcm, Key, Nonce};
use futures_util::future::BoxFuture;
use serde_json::{Value, json};

pub mod key;

pub use key::SecretKey;

use crate::config::{DEFAULT_SCAIGRID_URL, ScaiGridCredential};
use crate::storage::db::Database;

/// Why a secret could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("secret database: {0}")]
    Database(#[from] sqlx::Error),
    /// The stored value does not open under this server's key (another key, or tampering).
    #[error("the secret at {0} cannot be decrypted with this server's key")]
    Sealed(String),
    #[error("ScaiVault: {0}")]
    Vault(String),
    #[error("secret path {0:?} breaks ScaiVault's path rules")]
    Path(String),
    #[error("secret key: {0}")]
    Key(String),
}

/// Where secrets are kept.
pub trait SecretStore: Send + Sync {
    /// The secret at `path`, or `None` when there is none.
    fn read<'a>(&'a self, path: &'a str) -> BoxFuture<'a, Result<Option<String>, SecretError>>;
    /// Stores `value` at `path`, replacing what was there.
    fn write<'a>(&'a self, path: &'a str, value: &'a str)
    -> BoxFuture<'a, Result<(), SecretError>>;
}

/// The path of one of a tenant's secrets.
pub fn tenant_path(tenant_id: &str, name: &str) -> String {
    format!("tenants/{tenant_id}/{name}")
}

/// ScaiVault's path rules: `/`-separated, at most 10 levels and 512 characters, `a-z 0-9 - _`,
/// no empty segments.
pub fn check_path(path: &str) -> Result<(), SecretError> {
    let ok = !path.is_empty()
        && path.len() <= 512
        && path.split('/').count() <= 10
        && path.split('/').all(|segment| {
            !segment.is_empty()
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        });
    if ok { Ok(()) } else { Err(SecretError::Path(path.to_owned())) }
}

/// Where the local store's key comes from.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// `SCAIFLOW_SECRET_KEY`.
    Given(SecretKey),
    /// A key file, created when the first secret is written.
    File(PathBuf),
}

/// Secrets in the `secrets` table, sealed with AES-256-GCM.
pub struct LocalSecrets {
    db: Database,
    source: KeySource,
    cipher: OnceLock<Aes256Gcm>,
}

impl LocalSecrets {
    /// A store keyed by `source`. An existing key file is read now, so a damaged one stops the
    /// server at start; a missing one is created with the first secret.
    pub fn open(db: Database, source: KeySource) -> std::io::Result<LocalSecrets> {
        let store = LocalSecrets { db, source, cipher: OnceLock::new() };
        let key = match &store.source {
            KeySource::Given(key) => Some(key.clone()),
            KeySource::File(file) => SecretKey::read_file(file)?,
        };
        if let Some(key) = key {
            let _ = store.cipher.set(Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key.0)));
        }
        Ok(store)
    }

    /// The cipher; with `create`, a missing key file is created first. `None` when there is no
    /// key yet (and so no secret either).
    fn cipher(&self, create: bool) -> Result<Option<&Aes256Gcm>, SecretError> {
        if let Some(cipher) = self.cipher.get() {
            return Ok(Some(cipher));
        }
        let KeySource::File(file) = &self.source else { return Ok(None) };
        let key = if create {
            Some(SecretKey::from_file(file))
        } else {
            SecretKey::read_file(file).transpose()
        };
        match key {
            None => Ok(None),
            Some(Err(e)) => Err(SecretError::Key(format!("{}: {e}", file.display()))),
            Some(Ok(key)) => {
                let _ = self.cipher.set(Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key.0)));
                Ok(self.cipher.get())
            }
        }
    }
}

fn seal(cipher: &Aes256Gcm, path: &str, value: &str) -> (Vec<u8>, Vec<u8>) {
    let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
    let payload = Payload { msg: value.as_bytes(), aad: path.as_bytes() };
    // Encryption with a valid key and nonce cannot fail.
    let sealed = cipher.encrypt(&nonce, payload).unwrap_or_default();
    (nonce.to_vec(), sealed)
}

fn open(
    cipher: &Aes256Gcm,
    path: &str,
    nonce: &[u8],
    sealed: &[u8],
) -> Result<String, SecretError> {
    if nonce.len() != 12 {
        return Err(SecretError::Sealed(path.to_owned()));
    }
    let payload = Payload { msg: sealed, aad: path.as_bytes() };
    let plain = cipher
        .decrypt(Nonce::from_slice(nonce), payload)
        .map_err(|_| SecretError::Sealed(path.to_owned()))?;
    String::from_utf8(plain).map_err(|_| SecretError::Sealed(path.to_owned()))
}

impl SecretStore for LocalSecrets {
    fn read<'a>(&'a self, path: &'a str) -> BoxFuture<'a, Result<Option<String>, SecretError>> {
        Box::pin(async move {
            check_path(path)?;
            let row = crate::storage::secrets::sealed(&self.db, path).await?;
            let Some((nonce, sealed)) = row else { return Ok(None) };
            match self.cipher(false)? {
                Some(cipher) => open(cipher, path, &nonce, &sealed).map(Some),
                // A sealed value and no key: the key file was lost.
                None => Err(SecretError::Sealed(path.to_owned())),
            }
        })
    }

    fn write<'a>(
        &'a self,
        path: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), SecretError>> {
        Box::pin(async move {
            check_path(path)?;
            let cipher = self.cipher(true)?.ok_or_else(|| SecretError::Key("no key".into()))?;
            let (nonce, sealed) = seal(cipher, path, value);
            let now = crate::clock::now_millis();
            crate::storage::secrets::put_sealed(&self.db, path, &nonce, &sealed, now).await?;
            Ok(())
        })
    }
}

/// ScaiVault's secrets API. Each secret is a `kv` secret whose `data.value` is the text.
pub struct ScaiVault {
    base_url: String,
    token: String,
    http: reqwest::Client,
}

impl ScaiVault {
    pub fn new(base_url: &str, token: &str) -> ScaiVault {
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        ScaiVault {
            base_url: base_url.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            http,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/v1/secrets/{path}", self.base_url)
    }
}

/// ScaiVault's error envelope `{"error": {"code", "message"}}` as one line.
async fn vault_error(response: reqwest::Response) -> SecretError {
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    let code = body.pointer("/error/code").and_then(Value::as_str).unwrap_or("error");
    let message = body.pointer("/error/message").and_then(Value::as_str).unwrap_or_default();
    SecretError::Vault(format!("{status} {code}: {message}"))
}

impl SecretStore for ScaiVault {
    fn read<'a>(&'a self, path: &'a str) -> BoxFuture<'a, Result<Option<String>, SecretError>> {
        Box::pin(async move {
            check_path(path)?;
            let response = self
                .http
                .get(self.url(path))
                .bearer_auth(&self.token)
                .send()
                .await
                .map_err(|e| SecretError::Vault(e.to_string()))?;
            match response.status() {
                reqwest::StatusCode::NOT_FOUND => Ok(None),
                s if s.is_success() => {
                    let body: Value =
                        response.json().await.map_err(|e| SecretError::Vault(e.to_string()))?;
                    let value = body.pointer("/data/value").and_then(Value::as_str);
                    value.map(|v| Some(v.to_owned())).ok_or_else(|| {
                        SecretError::Vault(format!("the secret at {path} has no data.value"))
                    })
                }
                _ => Err(vault_error(response).await),
            }
        })
    }

    fn write<'a>(
        &'a self,
        path: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), SecretError>> {
        Box::pin(async move {
            check_path(path)?;
            let body = json!({
                "data": {"value": value},
                "secret_type": "kv",
                "metadata": {"description": "written by ScaiFlow", "owner": "scaiflow"},
            });
            let response = self
                .http
                .put(self.url(path))
                .bearer_auth(&self.token)
                .json(&body)
                .send()
                .await
                .map_err(|e| SecretError::Vault(e.to_string()))?;
            if response.status().is_success() { Ok(()) } else { Err(vault_error(response).await) }
        })
    }
}

/// The secret names of a tenant's ScaiGrid credential.
pub const SCAIGRID_API_KEY: &str = "scaigrid_api_key";
pub const SCAIGRID_BASE_URL: &str = "scaigrid_base_url";

/// The ScaiGrid credential calls for `tenant_id` use: the tenant's own (from the secret store),
/// else the server-wide `SCAIGRID_API_KEY`, else none.
pub async fn scaigrid_credential(
    store: &dyn SecretStore,
    fallback: Option<&ScaiGridCredential>,
    tenant_id: &str,
) -> Result<Option<ScaiGridCredential>, SecretError> {
    let key = store.read(&tenant_path(tenant_id, SCAIGRID_API_KEY)).await?;
    let Some(api_key) = key.filter(|k| !k.is_empty()) else {
        return Ok(fallback.cloned());
    };
    let base_url = store
        .read(&tenant_path(tenant_id, SCAIGRID_BASE_URL))
        .await?
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| DEFAULT_SCAIGRID_URL.to_owned());
    Ok(Some(ScaiGridCredential { base_url, api_key }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_scaivault_rules() {
        assert!(check_path(&tenant_path("tnt_acme", "scaigrid_api_key")).is_ok());
        for bad in ["", "/a", "a/", "a//b", "A/b", "a/b c", "a/".repeat(11).trim_end_matches('/')] {
            assert!(check_path(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn keys_are_read_as_hex_and_created_private() {
        assert!(SecretKey::from_hex(&"ab".repeat(32)).is_some());
        assert!(SecretKey::from_hex("abc").is_none());
        assert!(SecretKey::from_hex(&"zz".repeat(32)).is_none());
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("secret.key");
        let first = SecretKey::from_file(&file).unwrap();
        let again = SecretKey::from_file(&file).unwrap();
        assert_eq!(first.0, again.0, "the key file is reused");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(!format!("{first:?}").contains(&first.to_hex()));
    }
}
