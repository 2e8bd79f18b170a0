//! The `scaiflow-server` binary as a process: start-up errors, readiness and graceful shutdown,
//! and the `admin grant|revoke` commands.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use scaiflow_server::storage::db::Database;
use scaiflow_server::storage::mirror;

const BINARY: &str = env!("CARGO_BIN_EXE_scaiflow-server");

/// A directory with a stand-in built site (both bundles), so the binary's "is the site built"
/// check passes.
pub(crate) fn site_in(dir: &Path) -> String {
    for (folder, file) in [("site/pkg", "scaiflow.wasm"), ("site/editor/pkg", "editor.wasm")] {
        let pkg = dir.join(folder);
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(pkg.join(file), b"\0asm").unwrap();
    }
    dir.join("site").display().to_string()
}

pub(crate) fn server(dir: &Path, vars: &[(&str, &str)]) -> Command {
    let mut command = Command::new(BINARY);
    command
        .current_dir(dir)
        .env_clear()
        .env("SCAIFLOW_SITE_ROOT", site_in(dir))
        .env("SCAIFLOW_DB_URL", format!("sqlite://{}/db.sqlite", dir.display()))
        .env("SCAIFLOW_OBJECT_STORE", format!("file://{}/data", dir.display()))
        .env("SCAIFLOW_LOG_FORMAT", "json");
    for (key, value) in vars {
        command.env(key, value);
    }
    command
}

fn run(dir: &Path, vars: &[(&str, &str)]) -> Output {
    server(dir, vars).output().expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn an_invalid_setting_exits_2_naming_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(dir.path(), &[("SCAIFLOW_API_PORT", "eighty")]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("SCAIFLOW_API_PORT=\"eighty\" is not valid"), "{message}");

    let output = run(dir.path(), &[("SCAIFLOW_DB_URL", "mysql://u:p@host:port/db")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("SCAIFLOW_DB_URL"), "{}", stderr(&output));
}

#[test]
fn an_env_file_named_by_scaiflow_env_file_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let env_file = dir.path().join("api.env");
    std::fs::write(&env_file, "SCAIFLOW_API_PORT=not-a-port\n").unwrap();
    let output = run(dir.path(), &[("SCAIFLOW_ENV_FILE", env_file.to_str().unwrap())]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("\"not-a-port\""), "{}", stderr(&output));
}

#[test]
fn a_port_in_use_exits_1_with_the_address() {
    let dir = tempfile::tempdir().unwrap();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = run(dir.path(), &[("SCAIFLOW_API_PORT", &port)]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains(&format!("cannot listen on 127.0.0.1:{port}")), "{message}");
    assert!(message.contains("in use"), "{message}");
}

#[test]
fn a_missing_site_build_exits_1_with_how_to_build_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere").display().to_string();
    let output = run(dir.path(), &[("SCAIFLOW_SITE_ROOT", &missing)]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("cargo leptos build"), "{}", stderr(&output));
}

#[test]
fn a_site_without_the_editors_bundle_is_refused_too() {
    let (dir, built) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let site = site_in(built.path());
    std::fs::remove_file(built.path().join("site/editor/pkg/editor.wasm")).unwrap();
    let output = run(dir.path(), &[("SCAIFLOW_SITE_ROOT", &site)]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("editor/pkg/editor.wasm"), "{}", stderr(&output));
    assert!(stderr(&output).contains("--project editor"), "{}", stderr(&output));
}

/// A started server; killed and reaped on drop if a test fails before stopping it.
pub(crate) struct Running {
    pub(crate) child: Child,
    pub(crate) url: String,
    lines: mpsc::Receiver<String>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// Starts the server on an OS-chosen port and waits for its "running" log line.
pub(crate) fn start(dir: &Path) -> Running {
    let child = server(dir, &[("SCAIFLOW_API_PORT", "0")])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let (sender, lines) = mpsc::channel();
    let mut running = Running { child, url: String::new(), lines };
    let stdout = running.child.stdout.take().expect("piped stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    loop {
        let line =
            running.lines.recv_timeout(Duration::from_secs(60)).expect("server became ready");
        if line.contains("ScaiFlow is running") {
            let event: serde_json::Value = serde_json::from_str(&line).expect("JSON log line");
            running.url = event["url"].as_str().expect("url field").to_owned();
            return running;
        }
    }
}

#[test]
fn sigterm_shuts_down_cleanly_and_logs_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = start(dir.path());
    assert!(server.url.starts_with("http://127.0.0.1:"), "{}", server.url);
    assert!(dir.path().join("db.sqlite").is_file(), "the database was created");

    let pid = server.child.id().to_string();
    let status = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(status.success());
    let exit = server.child.wait().unwrap();
    assert_eq!(exit.code(), Some(0));
    // The reader thread ends at end of output, which the exit guarantees.
    let rest: Vec<String> = server.lines.iter().collect();
    assert!(rest.iter().any(|l| l.contains("SIGTERM")), "{rest:?}");
    assert!(rest.iter().any(|l| l.contains("\"stopped\"")), "{rest:?}");
}

/// `GET path` on `url` over a plain connection: the status and the body.
fn get(url: &str, path: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let address = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(address).expect("the server accepts");
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    // A handler that panics closes the connection with no answer at all.
    let _ = stream.read_to_string(&mut response);
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP answer to GET {path}: {response:?}"));
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

/// The binary these tests run is the one Cargo built for them; `scripts/test.sh` builds it with
/// the whole workspace, so the browser's `hydrate` feature is unified into it (the build whose
/// every page used to panic), while the browser tests run the binary `cargo leptos build`
/// makes. Every page renders in both.
#[test]
fn every_page_renders_whichever_build_made_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path());
    let pages = [
        ("/", 200, r#"data-example="hello-world""#),
        ("/flows/new", 200, "/editor/pkg/editor.wasm"),
        ("/flows/flow_12345678", 200, "Opening the editor"),
        ("/drafts/flow_12345678", 200, "Opening the editor"),
        ("/examples/customer-support", 200, "Opening the editor"),
        ("/settings", 200, "/pkg/scaiflow.wasm"),
        ("/admin", 200, "/pkg/scaiflow.wasm"),
        ("/auth/callback", 200, "/pkg/scaiflow.wasm"),
        ("/no/such/page", 404, "Page not found"),
    ];
    for (path, status, marker) in pages {
        let (got, body) = get(&server.url, path);
        assert_eq!(got, status, "GET {path}: {body}");
        assert!(body.contains(marker), "GET {path} lacks {marker:?}: {body}");
    }
    // Twice: a page that broke the runtime on its first rendering would fail now.
    for (path, status, _) in pages {
        assert_eq!(get(&server.url, path).0, status, "GET {path} again");
    }
}

/// Runs `scaiflow-server admin <args>` on the database of `dir`.
fn admin(dir: &Path, args: &[&str]) -> Output {
    server(dir, &[]).arg("admin").args(args).output().expect("the binary runs")
}

/// Runs `work` on the database of `dir` (created and migrated when missing).
fn on_database<T>(dir: &Path, work: impl AsyncFnOnce(&Database) -> T) -> T {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let db = Database::connect(&crate::process_config(dir).database).await.unwrap();
        db.migrate().await.unwrap();
        let result = work(&db).await;
        db.close().await;
        result
    })
}

/// Alice as the ScaiKey sync records her.
fn synced_alice(dir: &Path) {
    on_database(dir, async |db| {
        let name = Some("Alice Johnson");
        mirror::upsert_user(db, "tnt_acme", "usr_alice", Some("Alice@Acme.example"), name, 0)
            .await
            .unwrap();
    });
}

fn role_of_alice(dir: &Path) -> (Option<String>, Option<String>) {
    on_database(dir, async |db| {
        let user = mirror::live_users_named(db, "usr_alice").await.unwrap().remove(0);
        (user.admin_role, user.admin_role_source)
    })
}

#[test]
fn admin_grant_gives_a_synced_user_a_role_by_hand_and_revoke_takes_it() {
    let dir = tempfile::tempdir().unwrap();
    synced_alice(dir.path());
    let output = admin(dir.path(), &["grant", "alice@acme.EXAMPLE", "--role", "super_admin"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(said.contains("granted super_admin to Alice@Acme.example (usr_alice"), "{said}");
    let manual = (Some("super_admin".to_owned()), Some("manual".to_owned()));
    assert_eq!(role_of_alice(dir.path()), manual);

    let output = admin(dir.path(), &["revoke", "usr_alice"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("(was super_admin)"));
    assert_eq!(role_of_alice(dir.path()), (None, None));
}

#[test]
fn admin_grant_exits_1_for_an_unknown_user_and_2_for_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    synced_alice(dir.path());
    let output = admin(dir.path(), &["grant", "nobody@acme.example", "--role", "tenant_admin"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("no user 'nobody@acme.example'"), "{message}");
    assert!(message.contains("must have signed in to ScaiFlow or been synced"), "{message}");

    for args in [&["grant", "alice@acme.example", "--role", "owner"][..], &["grant"], &["list"]] {
        let output = admin(dir.path(), args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(stderr(&output).contains("usage:"), "{args:?}: {}", stderr(&output));
    }
    let bad_role = stderr(&admin(dir.path(), &["grant", "alice@acme.example", "--role", "owner"]));
    assert!(bad_role.contains("unknown role 'owner'"), "{bad_role}");
    assert_eq!(role_of_alice(dir.path()), (None, None), "nothing changed");
}
