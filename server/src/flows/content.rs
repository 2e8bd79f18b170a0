//! Flow content in the object store: one immutable object per version under
//! `flows/{tenant_id}/{flow_id}/v{version}.flow.json`, created once and never overwritten, and
//! a memory cache in front (safe because a version's object never changes).

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use futures_util::TryStreamExt;
use object_store::path::Path;
use object_store::{ObjectStore, PutMode, PutOptions, PutPayload};
use sha2::{Digest, Sha256};

use crate::storage::db::Database;
use crate::storage::flows as repo;

/// Where the content of a version lives.
pub fn key(tenant: &str, flow_id: &str, version: &str) -> Path {
    Path::from(format!("flows/{tenant}/{flow_id}/v{version}.flow.json"))
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push(char::from_digit(u32::from(byte >> 4), 16).unwrap_or('0'));
        hex.push(char::from_digit(u32::from(byte & 15), 16).unwrap_or('0'));
    }
    hex
}

/// What happened to a create.
#[derive(Debug, PartialEq, Eq)]
pub enum Created {
    /// The object is stored and its size checked.
    Stored,
    /// Something is already at the key (an abandoned save, or a concurrent one); nothing was
    /// written.
    Taken,
}

/// Stores `bytes` at `key` unless something is there already, then checks it is readable with
/// the right size: the object is in place before any row may point at it.
pub async fn create(
    store: &dyn ObjectStore,
    key: &Path,
    bytes: Bytes,
) -> Result<Created, object_store::Error> {
    let size = bytes.len() as u64;
    let options = PutOptions { mode: PutMode::Create, ..PutOptions::default() };
    match store.put_opts(key, PutPayload::from_bytes(bytes), options).await {
        Ok(_) => {}
        Err(object_store::Error::AlreadyExists { .. }) => return Ok(Created::Taken),
        Err(e) => return Err(e),
    }
    let meta = store.head(key).await?;
    if meta.size != size {
        return Err(object_store::Error::Generic {
            store: "flows",
            source: format!("{key} holds {} bytes after writing {size}", meta.size).into(),
        });
    }
    Ok(Created::Stored)
}

/// Removes an object this process created but could not commit; failures are only logged
/// (the sweep removes what is left).
pub async fn discard(store: &dyn ObjectStore, key: &Path) {
    if let Err(e) = store.delete(key).await {
        tracing::warn!(%key, error = %e, "could not remove an uncommitted object; the sweep will");
    }
}

/// Version contents kept in memory, least recently used evicted first, within a byte budget.
pub struct Cache {
    budget: usize,
    inner: Mutex<CacheInner>,
}

#[derive(Default)]
struct CacheInner {
    entries: HashMap<String, (Bytes, u64)>,
    used: usize,
    tick: u64,
}

impl Cache {
    pub fn new(budget: usize) -> Cache {
        Cache { budget, inner: Mutex::new(CacheInner::default()) }
    }

    pub fn get(&self, key: &str) -> Option<Bytes> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.tick += 1;
        let tick = inner.tick;
        let entry = inner.entries.get_mut(key)?;
        entry.1 = tick;
        Some(entry.0.clone())
    }

    /// Keeps `bytes` as the content at `key` (too large entries are not kept).
    pub fn insert(&self, key: &str, bytes: Bytes) {
        if bytes.len() > self.budget / 4 {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.tick += 1;
        let tick = inner.tick;
        inner.used += bytes.len();
        if let Some((old, _)) = inner.entries.insert(key.to_owned(), (bytes, tick)) {
            inner.used -= old.len();
        }
        while inner.used > self.budget {
            let Some(oldest) =
                inner.entries.iter().min_by_key(|(_, (_, t))| *t).map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some((gone, _)) = inner.entries.remove(&oldest) {
                inner.used -= gone.len();
            }
        }
    }
}

/// The content of a version: from the cache, else from the store (then cached).
pub async fn read(
    store: &dyn ObjectStore,
    cache: &Cache,
    key: &str,
) -> Result<Bytes, object_store::Error> {
    if let Some(bytes) = cache.get(key) {
        return Ok(bytes);
    }
    let bytes = store.get(&Path::from(key)).await?.bytes().await?;
    cache.insert(key, bytes.clone());
    Ok(bytes)
}

/// Deletes flow objects that no version row points at and that are older than `grace`: what
/// saves interrupted between writing the object and committing the row leave behind. Returns
/// how many were removed.
pub async fn sweep_orphans(
    db: &Database,
    store: &dyn ObjectStore,
    grace: Duration,
) -> Result<usize, String> {
    // Objects first: an object created after this listing is not considered at all.
    let objects: Vec<_> = store
        .list(Some(&Path::from("flows")))
        .try_collect()
        .await
        .map_err(|e| format!("cannot list flow objects: {e}"))?;
    let referenced: HashSet<String> = repo::version_keys(db)
        .await
        .map_err(|e| format!("cannot read version rows: {e}"))?
        .into_iter()
        .collect();
    let cutoff = cutoff_millis(grace);
    let mut removed = 0;
    for object in objects {
        if referenced.contains(object.location.as_ref())
            || object.last_modified.timestamp_millis() > cutoff
        {
            continue;
        }
        match store.delete(&object.location).await {
            Ok(()) => removed += 1,
            Err(e) => {
                tracing::warn!(key = %object.location, error = %e, "cannot remove orphan object")
            }
        }
    }
    Ok(removed)
}

/// The epoch milliseconds before which an unreferenced object counts as abandoned.
fn cutoff_millis(grace: Duration) -> i64 {
    let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    now.saturating_sub(grace).as_millis() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_the_documented_layout() {
        assert_eq!(key("tnt_a", "flow_1", "1.0.3").as_ref(), "flows/tnt_a/flow_1/v1.0.3.flow.json");
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn the_cache_evicts_least_recently_used_within_its_budget() {
        let cache = Cache::new(100);
        cache.insert("a", Bytes::from(vec![0; 20]));
        cache.insert("b", Bytes::from(vec![0; 20]));
        assert!(cache.get("a").is_some());
        for k in ["c", "d", "e", "f"] {
            cache.insert(k, Bytes::from(vec![0; 20]));
        }
        assert!(cache.get("a").is_some(), "recently read");
        assert!(cache.get("b").is_none(), "least recently used");
        cache.insert("huge", Bytes::from(vec![0; 60]));
        assert!(cache.get("huge").is_none(), "larger than a quarter of the budget");
    }

    #[tokio::test]
    async fn objects_are_created_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = object_store::local::LocalFileSystem::new_with_prefix(dir.path()).unwrap();
        let k = key("t", "f", "1.0.0");
        assert_eq!(create(&store, &k, Bytes::from_static(b"{}")).await.unwrap(), Created::Stored);
        assert_eq!(
            create(&store, &k, Bytes::from_static(b"{\"x\":1}")).await.unwrap(),
            Created::Taken
        );
        let cache = Cache::new(1 << 20);
        assert_eq!(read(&store, &cache, k.as_ref()).await.unwrap(), Bytes::from_static(b"{}"));
    }
}
