//! Checkpoints of the SQLite WAL on a thread of their own.
//!
//! A commit appends its pages to the WAL and syncs it: from then on the push
//! is durable. A checkpoint later copies those pages into the database file
//! so the WAL can start over. SQLite does that by default inside the commit
//! that grows the WAL past 1,000 pages, so the push that happens to cross the
//! line waits for the copy and a sync of the database file (tens of ms after
//! a large batch), and so does every push queued behind it. Here the writer
//! only notes that a checkpoint is due and this thread does it, on its own
//! connection, while the writer carries on: WAL mode lets the two run side
//! by side. Durability does not change: it never depended on checkpoints.

use std::{
    ffi::c_int,
    sync::{Arc, Condvar, Mutex},
    thread::JoinHandle,
};

use rusqlite::{Connection, hooks::Wal, wal::CheckpointMode};

use super::{StoreError, StoreResult};

/// WAL pages after which a checkpoint is due (47 MiB of 4 KiB pages). A
/// checkpoint copies each page once however many commits wrote it since the
/// last one, and a bulk push of 5,000 changes writes about 3,500 pages, most
/// of them index pages the next push writes again. SQLite's default of 1,000
/// meant a checkpoint after every such push, copying those pages (and
/// syncing the database file) each time; this lets a few pushes share one.
/// It stays below `journal_size_limit` (64 MiB), so the WAL it empties is
/// not cut back and grown again each time.
const DUE_PAGES: c_int = 12_000;
/// Should the thread fall this far behind (200 MiB of WAL), the committing
/// connection copies what it can itself, as SQLite would by default.
const INLINE_PAGES: c_int = 50_000;

/// The checkpoint thread; stopped and joined when dropped.
pub struct Checkpointer {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    wake: Condvar,
}

#[derive(Default)]
struct State {
    due: bool,
    stop: bool,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Checkpointer {
    /// Starts the thread on `own` (a connection of its own to the same
    /// database) and has `writer` tell it when a checkpoint is due, instead
    /// of checkpointing in its commits.
    pub fn start(writer: &mut Connection, own: Connection) -> StoreResult<Self> {
        let shared = Arc::new(Shared::default());
        let notify = Arc::clone(&shared);
        // Replaces SQLite's automatic checkpoints on this connection.
        writer.wal_hook(Some(move |wal: &mut Wal, pages: c_int| {
            if pages >= INLINE_PAGES {
                // The commit has happened; a failed copy must not make it
                // look as if it had not, so the error is only logged.
                if let Err(e) = wal.checkpoint_v2(CheckpointMode::PASSIVE) {
                    tracing::warn!(error = %e, "checkpoint after commit failed");
                }
            } else if pages >= DUE_PAGES {
                notify.lock().due = true;
                notify.wake.notify_one();
            }
            Ok(())
        }))?;
        let worker = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("sqlite-checkpoint".to_owned())
            .spawn(move || run(&own, &worker))
            .map_err(|e| StoreError::Backend(Box::new(e)))?;
        Ok(Self {
            shared,
            thread: Some(thread),
        })
    }
}

/// Waits for a due checkpoint and does it, until stopped; one that is due
/// when the stop comes is still done.
fn run(conn: &Connection, shared: &Shared) {
    loop {
        {
            let mut state = shared.lock();
            while !state.due && !state.stop {
                state = shared.wake.wait(state).unwrap_or_else(|e| e.into_inner());
            }
            if !state.due {
                return;
            }
            state.due = false;
        }
        // PASSIVE copies what no reader still needs and never waits; what
        // it leaves is copied next time.
        if let Err(e) = conn.wal_checkpoint_v2(None::<&str>, CheckpointMode::PASSIVE) {
            tracing::warn!(error = %e, "background checkpoint failed");
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.shared.lock().stop = true;
        self.shared.wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn the_thread_copies_the_wal_into_the_database_file() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("t.db");
        let open = |p: &Path| {
            let c = Connection::open(p).expect("open");
            c.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
                .expect("wal");
            c
        };
        let mut writer = open(&path);
        let checkpointer = Checkpointer::start(&mut writer, open(&path)).expect("start");
        writer
            .execute_batch("CREATE TABLE t (x TEXT)")
            .expect("table");
        // A row of 4,000 bytes to a page, past `DUE_PAGES`: a checkpoint
        // is due.
        let rows = DUE_PAGES + 1_000;
        writer
            .execute_batch(&format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows})
                 INSERT INTO t SELECT hex(randomblob(2000)) FROM n"
            ))
            .expect("insert");
        // Stopping the thread finishes the checkpoint that is due (it may
        // have run already: no timing is assumed).
        drop(checkpointer);
        let db_len = std::fs::metadata(&path).expect("db").len();
        assert!(
            db_len > u64::try_from(DUE_PAGES).expect("positive") * 4096,
            "the database file holds the pages ({db_len} bytes)"
        );
    }
}
