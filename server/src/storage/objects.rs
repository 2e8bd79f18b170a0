//! The object store holding flow documents: a local directory (the default) or an S3 bucket.
//!
//! Objects are written once under versioned keys and never rewritten; this module only opens
//! the store and checks that it answers.

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, PutPayload};

use crate::config::ObjectStoreUrl;

/// Opens the store; a local directory is created if it does not exist yet.
///
/// `aws` holds `AWS_*` settings with lower-cased keys (`aws_region`, `aws_endpoint`,
/// `aws_access_key_id`, `aws_allow_http`, ...), as collected by the configuration.
pub fn open(
    url: &ObjectStoreUrl,
    aws: &[(String, String)],
) -> Result<Arc<dyn ObjectStore>, OpenError> {
    match url {
        ObjectStoreUrl::File(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| OpenError::Directory {
                dir: dir.display().to_string(),
                message: e.to_string(),
            })?;
            let store = LocalFileSystem::new_with_prefix(dir).map_err(|e| {
                OpenError::Directory { dir: dir.display().to_string(), message: e.to_string() }
            })?;
            Ok(Arc::new(store))
        }
        ObjectStoreUrl::S3 { bucket, prefix } => {
            let mut builder = AmazonS3Builder::new();
            for (key, value) in aws {
                // Variables object_store does not know (AWS_PROFILE, ...) are not ours to judge.
                if let Ok(key) = AmazonS3ConfigKey::from_str(key) {
                    builder = builder.with_config(key, value);
                }
            }
            let store = builder
                .with_bucket_name(bucket)
                .build()
                .map_err(|e| OpenError::S3 { bucket: bucket.clone(), message: e.to_string() })?;
            Ok(match prefix {
                Some(prefix) => Arc::new(PrefixStore::new(store, prefix.as_str())),
                None => Arc::new(store),
            })
        }
    }
}

/// Where health probes write; nothing else lives under this prefix.
const PROBE_PREFIX: &str = "_healthz";

/// Proves the store can take a save: writes a small object under a fresh key, reads it back
/// and deletes it. (Listing alone succeeds on a local store whose directory is gone.)
pub async fn ping(store: &dyn ObjectStore) -> Result<(), object_store::Error> {
    static PROBES: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let serial = PROBES.fetch_add(1, Ordering::Relaxed);
    let key = Path::from(format!("{PROBE_PREFIX}/{nanos}-{}-{serial}", std::process::id()));
    let payload = Bytes::from_static(b"scaiflow health probe");
    store.put(&key, PutPayload::from_bytes(payload.clone())).await?;
    let read = store.get(&key).await?.bytes().await;
    let deleted = store.delete(&key).await;
    if read? != payload {
        return Err(object_store::Error::Generic {
            store: "health probe",
            source: "the object read back differs from the one written".into(),
        });
    }
    deleted
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot use object store directory {dir}: {message}")]
    Directory { dir: String, message: String },
    #[error("cannot configure S3 bucket {bucket}: {message}")]
    S3 { bucket: String, message: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_missing_directory_is_created_and_answers() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("nested/data");
        let store = open(&ObjectStoreUrl::File(root.clone()), &[]).unwrap();
        assert!(root.is_dir());
        ping(store.as_ref()).await.unwrap();
        ping(store.as_ref()).await.unwrap();
        let leftovers = std::fs::read_dir(root.join(PROBE_PREFIX)).map_or(0, |d| d.count());
        assert_eq!(leftovers, 0, "probes clean up after themselves");
    }

    #[test]
    fn a_path_that_is_a_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, b"x").unwrap();
        let err = open(&ObjectStoreUrl::File(file), &[]).err().unwrap().to_string();
        assert!(err.starts_with("cannot use object store directory"), "{err}");
    }

    #[test]
    fn s3_settings_are_applied() {
        let aws = [
            ("aws_region".to_string(), "eu-west-1".to_string()),
            ("aws_endpoint".to_string(), "http://127.0.0.1:9".to_string()),
            ("aws_allow_http".to_string(), "true".to_string()),
            ("aws_access_key_id".to_string(), "key".to_string()),
            ("aws_secret_access_key".to_string(), "secret".to_string()),
            ("aws_profile".to_string(), "ignored".to_string()),
        ];
        let url = ObjectStoreUrl::S3 { bucket: "flows".into(), prefix: None };
        let store = open(&url, &aws).unwrap();
        assert_eq!(store.to_string(), "AmazonS3(flows)");
        let prefixed = ObjectStoreUrl::S3 { bucket: "flows".into(), prefix: Some("p".into()) };
        assert_eq!(open(&prefixed, &aws).unwrap().to_string(), "PrefixObjectStore(p)");

        let bad = [("aws_allow_http".to_string(), "sometimes".to_string())];
        let err = open(&url, &bad).err().unwrap().to_string();
        assert!(err.starts_with("cannot configure S3 bucket flows"), "{err}");
    }
}
