//! The `scaiflow` binary, run as a process on files in a temporary directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BINARY: &str = env!("CARGO_BIN_EXE_scaiflow");

fn example_json() -> &'static str {
    flow_model::EXAMPLES[0].json
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BINARY).current_dir(dir).args(args).output().expect("scaiflow runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A temporary directory holding `support.flow.json` (the bundled example).
fn workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let flow = dir.path().join("support.flow.json");
    std::fs::write(&flow, example_json()).unwrap();
    (dir, flow)
}

#[test]
fn validate_reports_ok_and_errors_with_exit_codes() {
    let (dir, _) = workspace();
    let ok = run(dir.path(), &["validate", "support.flow.json"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    assert!(stderr(&ok).contains("support.flow.json: ok"));

    let broken = example_json().replace("\"port\": \"out_request\"", "\"port\": \"out_typo\"");
    std::fs::write(dir.path().join("broken.flow.json"), broken).unwrap();
    let bad = run(dir.path(), &["validate", "broken.flow.json"]);
    assert_eq!(bad.status.code(), Some(1));
    let message = stderr(&bad);
    assert!(
        message.contains("broken.flow.json: error: edge 'edge_1': source node 'node_entry' has no output port 'out_typo' (at edges[0]) [edge edge_1]"),
        "{message}"
    );

    let json = run(dir.path(), &["validate", "broken.flow.json", "--json"]);
    assert_eq!(json.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(report["ok"], false);
    assert_eq!(report["errors"][0]["edge_id"], "edge_1");
}

#[test]
fn bad_json_is_located_by_line_and_column() {
    let (dir, _) = workspace();
    std::fs::write(dir.path().join("bad.flow.json"), "{\n  \"id\": \"x\",\n  \"name\": \n}")
        .unwrap();
    let out = run(dir.path(), &["validate", "bad.flow.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("bad.flow.json:4:1: error: "), "{}", stderr(&out));

    let json = run(dir.path(), &["validate", "bad.flow.json", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(
        (report["errors"][0]["line"].as_u64(), report["ok"].as_bool()),
        (Some(4), Some(false))
    );

    std::fs::write(
        dir.path().join("kind.flow.json"),
        example_json().replace("\"entry_api\"", "\"entry_chat\""),
    )
    .unwrap();
    let kind = run(dir.path(), &["compile", "kind.flow.json"]);
    assert_eq!(kind.status.code(), Some(1));
    assert!(stderr(&kind).contains("unknown variant `entry_chat`"), "{}", stderr(&kind));
    assert!(stderr(&kind).contains("(at nodes[0].type)"), "{}", stderr(&kind));
}

#[test]
fn compile_writes_each_format_next_to_the_input_by_default() {
    let (dir, _) = workspace();
    for (format, file) in
        [("yaml", "support.yaml"), ("ir", "support.scir"), ("scai", "support.scai")]
    {
        let out = run(dir.path(), &["compile", "support.flow.json", "--format", format]);
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr(&out));
        let bytes = std::fs::read(dir.path().join(file)).unwrap();
        assert!(!bytes.is_empty(), "{file}");
        assert!(
            stderr(&out).contains(&format!("wrote support.{}", file.rsplit('.').next().unwrap()))
        );
    }
    let ir = std::fs::read(dir.path().join("support.scir")).unwrap();
    assert_eq!(&ir[..4], b"SCIR");
    let default = run(dir.path(), &["compile", "support.flow.json", "--out", "-"]);
    assert!(stdout(&default).starts_with("core:\n"));

    let unknown = run(dir.path(), &["compile", "support.flow.json", "--format", "xml"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("unknown format 'xml'"), "{}", stderr(&unknown));
    let missing = run(dir.path(), &["compile", "nope.flow.json"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("cannot read nope.flow.json"), "{}", stderr(&missing));
}

#[test]
fn compile_errors_name_their_node_and_exit_1() {
    let (dir, _) = workspace();
    let broken = example_json().replace("\"llm_role\": \"fast\"", "\"llm_role\": \"fastt\"");
    std::fs::write(dir.path().join("role.flow.json"), broken).unwrap();
    let out = run(dir.path(), &["compile", "role.flow.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("llm_role='fastt' is not declared"), "{}", stderr(&out));
    assert!(stderr(&out).contains("[node node_classify]"), "{}", stderr(&out));
    assert!(!dir.path().join("role.yaml").exists(), "nothing is written for a failed compile");
}

#[test]
fn import_turns_a_compiled_manifest_back_into_the_flow() {
    let (dir, _) = workspace();
    assert!(run(dir.path(), &["compile", "support.flow.json"]).status.success());
    let out = run(dir.path(), &["import", "support.yaml", "--out", "back.flow.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let back = flow_model::FlowGraph::from_json(
        &std::fs::read_to_string(dir.path().join("back.flow.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(back, flow_model::FlowGraph::from_json(example_json()).unwrap());

    std::fs::write(dir.path().join("junk.yaml"), "flows: []\n").unwrap();
    let junk = run(dir.path(), &["import", "junk.yaml"]);
    assert_eq!(junk.status.code(), Some(1));
    assert!(stderr(&junk).contains("no top-level 'core' mapping"), "{}", stderr(&junk));
}

#[test]
fn publish_builds_the_same_package_twice() {
    let (dir, _) = workspace();
    std::fs::write(dir.path().join("README.md"), "# Support\n").unwrap();
    let args = [
        "publish",
        "support.flow.json",
        "--version",
        "0.2.0",
        "--description",
        "Triage",
        "--readme",
        "README.md",
    ];
    let first = run(dir.path(), &args);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let path = dir.path().join("customer-support-0.2.0.scaipkg");
    let a = std::fs::read(&path).unwrap();
    assert!(run(dir.path(), &args).status.success());
    assert_eq!(std::fs::read(&path).unwrap(), a, "deterministic bytes");
    let package = compiler::package::read(&a).unwrap();
    assert_eq!(package.info.version, "0.2.0");
    assert_eq!(package.info.description, "Triage");
    assert_eq!(package.readme.as_deref(), Some("# Support\n"));

    let bad = run(dir.path(), &["publish", "support.flow.json", "--version", "2"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("must be semver"), "{}", stderr(&bad));
}

/// `scaiflow deploy …` with `SCAIGRID_*` taken from `env` only; run off the async threads so
/// the stand-in keeps serving.
async fn deploy(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(BINARY);
    command.current_dir(dir).arg("deploy").args(args);
    command.env_remove("SCAIGRID_API_KEY").env_remove("SCAIGRID_BASE_URL");
    for (k, v) in env {
        command.env(k, v);
    }
    tokio::task::spawn_blocking(move || command.output().expect("scaiflow runs")).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn deploy_provisions_creates_and_publishes_straight_on_scaigrid() {
    let grid = scaigrid_sim::start(scaigrid_sim::SimConfig::demo()).await.unwrap();
    let (dir, flow) = workspace();
    let flow = flow.to_str().unwrap();
    let env =
        [("SCAIGRID_API_KEY", scaigrid_sim::DEMO_KEY), ("SCAIGRID_BASE_URL", grid.url.as_str())];
    let out = deploy(dir.path(), &[flow, "--publish-as-model"], &env).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = stdout(&out);
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines.len(), 2, "{printed}");
    assert!(lines[0].starts_with("core_id=core_"), "{printed}");
    assert_eq!(lines[1], "published_slug=scaicore/demo/customer-support");
    // Not a terminal: one line per stage.
    let progress = stderr(&out);
    assert!(
        progress.contains("provisioning ScaiQueue") && progress.contains("publishing"),
        "{progress}"
    );
    let client = scaigrid_client::Client::new(&grid.url, scaigrid_sim::DEMO_KEY).unwrap();
    let scopes: Vec<String> = client.scopes().await.unwrap().into_iter().map(|s| s.slug).collect();
    assert_eq!(scopes, ["support"]);

    // Key and URL as flags; not published this time.
    let out = deploy(
        dir.path(),
        &[
            flow,
            "--no-publish-as-model",
            "--api-key",
            scaigrid_sim::DEMO_KEY,
            "--base-url",
            &grid.url,
        ],
        &[],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 1, "{}", stdout(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn deploy_failures_say_why_with_their_exit_codes() {
    let (dir, flow) = workspace();
    let flow = flow.to_str().unwrap();
    let out = deploy(dir.path(), &[flow], &[]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--api-key or set SCAIGRID_API_KEY"), "{}", stderr(&out));

    let mut config = scaigrid_sim::SimConfig::demo();
    let without: Vec<&str> = scaigrid_sim::ALL_PERMISSIONS
        .iter()
        .copied()
        .filter(|p| *p != "scaiqueue:manage")
        .collect();
    config.keys.push(scaigrid_sim::SimKey::new("sgk_limited", "tnt_sim_demo", "demo", &without));
    let grid = scaigrid_sim::start(config).await.unwrap();
    let env = [("SCAIGRID_API_KEY", "sgk_limited"), ("SCAIGRID_BASE_URL", grid.url.as_str())];
    let out = deploy(dir.path(), &[flow], &env).await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(said.contains("scope 'support'") && said.contains("scaiqueue:manage"), "{said}");
    assert!(said.contains("no Core was created"), "{said}");
    assert!(stdout(&out).is_empty());

    let broken = dir.path().join("broken.flow.json");
    std::fs::write(
        &broken,
        example_json().replace("\"llm_role\": \"fast\"", "\"llm_role\": \"fastt\""),
    )
    .unwrap();
    let out = deploy(dir.path(), &[broken.to_str().unwrap()], &env).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("fastt"), "{}", stderr(&out));
}
