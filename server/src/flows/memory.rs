//! What the flows service keeps in memory between requests: one save turn per flow at a time,
//! and the flow rows read recently.

use std::sync::Arc;

use crate::storage::flows::FlowRow;

/// One queue per flow for the saves made through this process.
#[derive(Default)]
pub struct SaveLocks {
    queues: std::sync::Mutex<std::collections::HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// A turn to save a flow; the flow's queue is forgotten when nobody else waits in it.
pub struct SaveTurn<'l> {
    locks: &'l SaveLocks,
    id: String,
    guard: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl SaveLocks {
    pub async fn lock(&self, id: &str) -> SaveTurn<'_> {
        let queue = {
            let mut queues = self.queues.lock().unwrap_or_else(|p| p.into_inner());
            queues.entry(id.to_owned()).or_default().clone()
        };
        let guard = queue.lock_owned().await;
        SaveTurn { locks: self, id: id.to_owned(), guard: Some(guard) }
    }
}

impl Drop for SaveTurn<'_> {
    fn drop(&mut self) {
        self.guard.take();
        let mut queues = self.locks.queues.lock().unwrap_or_else(|p| p.into_inner());
        if queues.get(&self.id).is_some_and(|q| Arc::strong_count(q) == 1) {
            queues.remove(&self.id);
        }
    }
}

/// Flow rows read recently, for reads only: a read may see a row up to [`ROW_TTL`] old when
/// another server instance changed it, never older. Writes always read the database, and every
/// write through this process refreshes its entry at once.
pub struct RowCache {
    rows: std::sync::Mutex<std::collections::HashMap<String, (FlowRow, std::time::Instant)>>,
}

/// How long a cached flow row may be used.
pub const ROW_TTL: std::time::Duration = std::time::Duration::from_secs(1);
/// Past this many entries, expired ones are dropped (and all of them if none has expired).
const ROW_CACHE_ENTRIES: usize = 10_000;

impl Default for RowCache {
    fn default() -> Self {
        RowCache { rows: std::sync::Mutex::new(std::collections::HashMap::new()) }
    }
}

impl RowCache {
    pub(super) fn get(&self, id: &str) -> Option<FlowRow> {
        let rows = self.rows.lock().unwrap_or_else(|p| p.into_inner());
        rows.get(id).filter(|(_, at)| at.elapsed() < ROW_TTL).map(|(row, _)| row.clone())
    }

    pub(super) fn put(&self, row: &FlowRow) {
        let mut rows = self.rows.lock().unwrap_or_else(|p| p.into_inner());
        if rows.len() >= ROW_CACHE_ENTRIES {
            rows.retain(|_, (_, at)| at.elapsed() < ROW_TTL);
            if rows.len() >= ROW_CACHE_ENTRIES {
                rows.clear();
            }
        }
        rows.insert(row.id.clone(), (row.clone(), std::time::Instant::now()));
    }

    pub(super) fn forget(&self, id: &str) {
        self.rows.lock().unwrap_or_else(|p| p.into_inner()).remove(id);
    }
}
