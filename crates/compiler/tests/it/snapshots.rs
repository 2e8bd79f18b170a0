//! The data-driven suite: every `tests/data/<case>.flow.json` is analysed and compiled, and the
//! results are compared with the files beside it:
//!
//! - `<case>.yaml`, `<case>.scai`, `<case>.ir.json` (the IR bundle decoded, as JSON) for flows
//!   that compile;
//! - `<case>.diagnostics.json` for every case: all diagnostics `analyze` returns.
//!
//! Run with `SCAIFLOW_BLESS=1` to write the expectations from the current output, then review
//! the diff.

use std::path::{Path, PathBuf};

use compiler::{Format, analyze, compile_flow, decode};
use flow_model::FlowGraph;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn bless() -> bool {
    std::env::var_os("SCAIFLOW_BLESS").is_some()
}

/// Compares `actual` with the file at `path` (or writes it when blessing); returns a mismatch.
fn check(path: &Path, actual: &str) -> Option<String> {
    if bless() {
        std::fs::write(path, actual).expect("write expectation");
        return None;
    }
    match std::fs::read_to_string(path) {
        Ok(expected) if expected == actual => None,
        Ok(expected) => Some(format!("{} differs:\n{}", path.display(), diff(&expected, actual))),
        Err(_) => Some(format!("{} is missing (run with SCAIFLOW_BLESS=1)", path.display())),
    }
}

/// The first differing lines, enough to see what changed.
fn diff(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let first = e.iter().zip(&a).position(|(x, y)| x != y).unwrap_or(e.len().min(a.len()));
    let show = |lines: &[&str]| {
        lines.iter().skip(first).take(6).map(|l| format!("    {l}\n")).collect::<String>()
    };
    format!("  at line {}\n  expected:\n{}  actual:\n{}", first + 1, show(&e), show(&a))
}

/// Every case that parses, by name, in name order.
pub fn cases() -> Vec<(String, FlowGraph)> {
    case_paths()
        .into_iter()
        .filter_map(|path| {
            let name =
                path.file_name()?.to_string_lossy().trim_end_matches(".flow.json").to_owned();
            let flow = FlowGraph::from_json(&std::fs::read_to_string(&path).ok()?).ok()?;
            Some((name, flow))
        })
        .collect()
}

fn case_paths() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(data_dir())
        .expect("tests/data exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".flow.json"))
        .collect();
    cases.sort();
    cases
}

#[test]
fn every_case_matches_its_expectations() {
    let cases = case_paths();
    assert!(cases.len() >= 10, "expected the documented cases, found {}", cases.len());

    let mut failures = Vec::new();
    for path in &cases {
        let name =
            path.file_name().unwrap().to_string_lossy().trim_end_matches(".flow.json").to_owned();
        let stem = data_dir().join(&name);
        let text = std::fs::read_to_string(path).unwrap();
        let flow = match FlowGraph::from_json(&text) {
            Ok(flow) => flow,
            Err(e) => {
                failures.push(format!("{name}: does not parse: {e}"));
                continue;
            }
        };
        let diagnostics = serde_json::to_string_pretty(&analyze(&flow)).unwrap() + "\n";
        failures.extend(check(&stem.with_extension("diagnostics.json"), &diagnostics));

        let compiles = name.starts_with("ok-");
        for format in Format::ALL {
            match (compile_flow(&flow, format), compiles) {
                (Ok(output), true) => {
                    let (extension, text) = match format {
                        Format::Ir => {
                            let module = decode(&output.bytes).expect("own bundles decode");
                            let problems = compiler::verify(&module);
                            assert!(problems.is_empty(), "{name}: {problems:?}");
                            ("ir.json", serde_json::to_string_pretty(&module).unwrap() + "\n")
                        }
                        _ => (format.extension(), output.text().unwrap().to_owned()),
                    };
                    failures.extend(check(&stem.with_extension(extension), &text));
                }
                (Err(e), true) => failures.push(format!("{name}: {format} does not compile: {e}")),
                (Ok(_), false) => {
                    failures.push(format!("{name}: expected a compile error for {format}"))
                }
                (Err(e), false) => assert!(!e.diagnostics().is_empty(), "{name}"),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
