//! Crash safety: the real server is killed with SIGKILL at random moments while clients save
//! new versions in a loop, many times over. Afterwards every version row has its object with
//! the recorded hash, and every save a client saw acknowledged is there.

use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use scaiflow_server::flows::content;
use scaiflow_server::storage::flows as repo;
use serde_json::{Value, json};

use crate::process::start;

const ROUNDS: usize = 25;
const WRITERS: usize = 3;

/// A small HTTP/1.1 exchange (one request per connection): status and JSON body, or `None` when
/// the connection failed (as it does when the server dies).
fn http(base: &str, method: &str, path: &str, body: &Value) -> Option<(u16, Value)> {
    let address = base.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(address).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let payload = serde_json::to_vec(body).ok()?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        payload.len()
    );
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(&payload).ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    let text = String::from_utf8_lossy(&response);
    let status: u16 = text.split(' ').nth(1)?.parse().ok()?;
    let (_, body) = text.split_once("\r\n\r\n")?;
    Some((status, serde_json::from_str(body).ok()?))
}

/// xorshift64, seeded from the clock: each run kills at different moments.
struct Random(u64);

impl Random {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_saves_never_leave_a_row_without_its_object() {
    let dir = tempfile::tempdir().unwrap();
    let seed = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos() as u64 | 1;
    let mut random = Random(seed);

    let server = start(dir.path());
    let example: Value = serde_json::from_str(flow_model::EXAMPLES[0].json).unwrap();
    let (status, created) = http(
        &server.url,
        "POST",
        "/api/v1/flows",
        &json!({"name": "Crash test", "content": example}),
    )
    .unwrap();
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    drop(server);

    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(vec!["1.0.0".into()]));
    let mut counter = 0u64;
    for round in 0..ROUNDS {
        let acknowledged_before = acknowledged.lock().unwrap().len();
        let mut server = start(dir.path());
        let stop = Arc::new(AtomicBool::new(false));
        let writers: Vec<_> = (0..WRITERS)
            .map(|writer| {
                let (url, id, stop, acknowledged) =
                    (server.url.clone(), id.clone(), stop.clone(), acknowledged.clone());
                let mut content: Value =
                    serde_json::from_str(flow_model::EXAMPLES[0].json).unwrap();
                counter += 1_000;
                let mut n = counter;
                std::thread::spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        n += 1;
                        content["nodes"][1]["label"] =
                            json!(format!("round {round} writer {writer} save {n}"));
                        match http(
                            &url,
                            "PUT",
                            &format!("/api/v1/flows/{id}"),
                            &json!({"content": content}),
                        ) {
                            Some((200, body)) => {
                                acknowledged
                                    .lock()
                                    .unwrap()
                                    .push(body["version"].as_str().unwrap().to_owned());
                            }
                            Some((status, body)) => panic!("unexpected {status}: {body}"),
                            None => return,
                        }
                    }
                })
            })
            .collect();
        // Let saves run for a random while (and until one is acknowledged, however loaded the
        // machine), then kill the server mid-flight.
        let run_for = Duration::from_millis(5 + random.below(60));
        let started = Instant::now();
        while started.elapsed() < run_for
            || (acknowledged.lock().unwrap().len() <= acknowledged_before
                && started.elapsed() < Duration::from_secs(30))
        {
            std::thread::yield_now();
        }
        let pid = server.child.id().to_string();
        assert!(Command::new("kill").args(["-KILL", &pid]).status().unwrap().success());
        server.child.wait().unwrap();
        stop.store(true, Ordering::Relaxed);
        for writer in writers {
            writer.join().expect("writer thread");
        }
    }

    // Verify with the server's own storage code.
    let state =
        scaiflow_server::state::AppState::open(crate::process_config(dir.path())).await.unwrap();
    let rows = repo::versions(&state.db, &id).await.unwrap();
    assert!(rows.len() > ROUNDS, "saves happened between kills ({} versions)", rows.len());
    let cache = content::Cache::new(0);
    for row in &rows {
        let bytes = content::read(state.objects.as_ref(), &cache, &row.object_key)
            .await
            .unwrap_or_else(|e| panic!("version {} has no object: {e}", row.version));
        assert_eq!(content::sha256_hex(&bytes), row.sha256, "version {} hash", row.version);
        assert_eq!(bytes.len() as i64, row.size);
    }
    let stored: HashSet<&str> = rows.iter().map(|r| r.version.as_str()).collect();
    for version in acknowledged.lock().unwrap().iter() {
        assert!(stored.contains(version.as_str()), "acknowledged version {version} is missing");
    }
    let seqs: HashSet<i64> = rows.iter().map(|r| r.seq).collect();
    assert_eq!(seqs.len(), rows.len(), "sequence numbers are unique");
    let flow = repo::flow(&state.db, Some("tnt_local"), &id).await.unwrap().unwrap();
    assert!(stored.contains(flow.current_version.as_str()), "the current version has a row");
}
