//! The cursor rule under concurrent writers: two servers on one database,
//! several devices pushing through both at once, and a tablet pulling with
//! its cursor all the while. PostgreSQL numbers log entries before they
//! commit, so without the push lock a pull can see a later number commit
//! first, move its cursor past an earlier one still in flight, and never
//! pull that change. This test is how that would show.

use std::{
    collections::HashSet,
    sync::atomic::{AtomicBool, Ordering},
};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{PgServer, TestDb, admin_url, change, hlc, now_ms, record_id};

const WRITERS: u32 = 4;
const BATCHES: u32 = 25;
const PER_BATCH: u32 = 4;
/// Small pages, so the reader's cursor moves often while writers write.
const PAGE: u32 = 3;

/// A change as the test knows it: record, field and stamp.
type Key = (String, String, String);

fn key(change: &Value) -> Key {
    let text = |name: &str| change[name].as_str().expect(name).to_owned();
    (text("id"), text("field"), text("hlc"))
}

/// One writer device: `BATCHES` pushes of `PER_BATCH` new records each,
/// through `server`; every key it was told was stored.
fn write(server: &PgServer, writer: u32) -> Vec<Key> {
    let device = format!("writer-{writer}");
    let token = server.token(&device);
    let mut stored = Vec::new();
    for batch in 0..BATCHES {
        let t = now_ms();
        let changes: Vec<Value> = (0..PER_BATCH)
            .map(|k| {
                let n = writer * 10_000 + batch * 100 + k;
                let title = json!(format!("writer {writer} batch {batch} #{k}"));
                change(
                    &record_id(n),
                    "title",
                    title,
                    &hlc(t, batch * 100 + k, &device),
                )
            })
            .collect();
        let body = json!({ "device_id": device, "cursor": null, "changes": changes, "limit": 1 });
        let (status, answer) = server.sync(&token, &body);
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(answer["accepted"], PER_BATCH, "{answer}");
        stored.extend(changes.iter().map(key));
    }
    stored
}

/// Pulls through both servers in turn, page after page, until the writers
/// are done and a pull that began after that has nothing more.
fn read(servers: [&PgServer; 2], writers_done: &AtomicBool) -> Vec<Key> {
    let device = "reader";
    let token = servers[0].token(device);
    let mut cursor = Value::Null;
    let mut seen = Vec::new();
    for pull in 0_usize.. {
        assert!(pull < 1_000_000, "the reader never caught up");
        // Read before pulling: only a pull that starts after every push was
        // acknowledged may end the loop.
        let finished = writers_done.load(Ordering::SeqCst);
        let page = servers[pull % 2].pull(&token, device, &cursor, PAGE);
        let changes = page["changes"].as_array().expect("changes");
        seen.extend(changes.iter().map(key));
        cursor = page["cursor"].clone();
        if finished && page["more"] == false {
            break;
        }
    }
    seen
}

#[test]
fn a_cursor_pulling_during_concurrent_pushes_through_two_servers_sees_every_change_once() {
    let Some(admin) = admin_url() else { return };
    let db = TestDb::create(&admin);
    let first = PgServer::start(&db);
    let second = PgServer::start(&db);
    let servers = [&first, &second];
    let writers_done = AtomicBool::new(false);

    let (stored, seen) = std::thread::scope(|scope| {
        let reader = scope.spawn(|| read(servers, &writers_done));
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| scope.spawn(move || write(servers[w as usize % 2], w)))
            .collect();
        let stored: Vec<Key> = writers
            .into_iter()
            .flat_map(|w| w.join().expect("a writer failed"))
            .collect();
        writers_done.store(true, Ordering::SeqCst);
        (stored, reader.join().expect("the reader failed"))
    });

    let expected = (WRITERS * BATCHES * PER_BATCH) as usize;
    assert_eq!(stored.len(), expected);
    let stored: HashSet<Key> = stored.into_iter().collect();
    let seen_once: HashSet<Key> = seen.iter().cloned().collect();
    assert_eq!(seen_once.len(), seen.len(), "the reader got a change twice");
    let missed: Vec<&Key> = stored.difference(&seen_once).collect();
    assert!(
        missed.is_empty(),
        "the reader's cursor skipped {} of {expected} changes, e.g. {:?}",
        missed.len(),
        missed.first()
    );
    assert_eq!(seen_once, stored, "the reader got changes nobody pushed");
}
