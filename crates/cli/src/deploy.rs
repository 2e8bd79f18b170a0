//! `scaiflow deploy`: compile a flow and deploy it to ScaiGrid directly, the same sequence the
//! server runs (`scaigrid_client::deploy`): ScaiQueue provisioning, the Core, publishing.
//!
//! Standard output gets `core_id=…` and, when published, `published_slug=…` (for scripts);
//! progress and errors go to standard error, as a line per stage (redrawn in place on a
//! terminal).

use std::io::{IsTerminal, Write};
use std::path::Path;

use scaigrid_client::Client;
use scaigrid_client::deploy::{Failure as DeployFailure, Plan, Stage};

use crate::{Failure, load, report};

pub(crate) fn run(
    path: &Path,
    publish: Option<bool>,
    api_key: Option<String>,
    base_url: &str,
) -> Result<(), Failure> {
    let api_key = api_key.filter(|k| !k.trim().is_empty()).ok_or_else(|| {
        Failure::Other(anyhow::anyhow!(
            "no ScaiGrid API key: pass --api-key or set SCAIGRID_API_KEY"
        ))
    })?;
    if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
        return Err(Failure::Other(anyhow::anyhow!(
            "--base-url must be an http(s):// URL, not '{base_url}'"
        )));
    }
    let flow = load(path)?;
    let output = compiler::compile_flow(&flow, compiler::Format::Yaml).map_err(|e| {
        report(path, e.diagnostics());
        if e.diagnostics().is_empty() { Failure::Other(e.into()) } else { Failure::Invalid }
    })?;
    let manifest = output.text().unwrap_or_default().to_owned();
    let plan = Plan::for_flow(&flow, manifest, publish, None);
    let client = Client::new(base_url, api_key.trim()).map_err(|e| Failure::Other(e.into()))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Other(anyhow::anyhow!("cannot start the runtime: {e}")))?;
    let mut progress = Progress::new(std::io::stderr().is_terminal());
    let result = runtime.block_on(client.deploy(&plan, |stage| progress.stage(stage)));
    progress.finish();
    match result {
        Ok(outcome) => {
            print_line(&format!("core_id={}", outcome.core.id));
            if let Some(slug) = &outcome.published_slug {
                print_line(&format!("published_slug={slug}"));
            }
            let action = if outcome.created { "created" } else { "updated" };
            eprintln!("{}: deployed ({action} Core)", path.display());
            Ok(())
        }
        Err(failure) => {
            eprintln!("{}: error: {}", path.display(), explain(&failure));
            Err(Failure::Deploy)
        }
    }
}

#[allow(clippy::print_stdout)]
fn print_line(line: &str) {
    println!("{line}");
}

/// The deploy error as one line: the stage, what it needs, and ScaiGrid's own words.
fn explain(failure: &DeployFailure) -> String {
    let upstream = failure.error.to_string();
    match failure.stage {
        Stage::Provisioning => {
            let what = match (&failure.scope, &failure.queue) {
                (Some(scope), Some(queue)) => format!("queue '{queue}' of scope '{scope}'"),
                (Some(scope), None) => format!("scope '{scope}'"),
                _ => "ScaiQueue".to_owned(),
            };
            let hint = match failure.error.status() {
                Some(401) => " (check the API key)",
                Some(403) => " (the key needs scaiqueue:view and scaiqueue:manage)",
                _ => "",
            };
            format!("provisioning {what} failed{hint}: {upstream}; no Core was created")
        }
        Stage::Creating => format!("ScaiGrid did not accept the Core: {upstream}"),
        Stage::Publishing => format!(
            "the Core {} was deployed but publishing failed: {upstream}",
            failure.core_id.as_deref().unwrap_or("?")
        ),
    }
}

/// Stage lines on standard error; on a terminal one line redrawn in place with a spinner-like
/// mark, elsewhere one line per stage.
struct Progress {
    terminal: bool,
    drawn: bool,
}

impl Progress {
    fn new(terminal: bool) -> Progress {
        Progress { terminal, drawn: false }
    }

    fn stage(&mut self, stage: Stage) {
        let text = match stage {
            Stage::Provisioning => "provisioning ScaiQueue scope and queues…",
            Stage::Creating => "creating the Core…",
            Stage::Publishing => "publishing as a chat model…",
        };
        let mut err = std::io::stderr();
        if self.terminal {
            let _ = write!(err, "\r\x1b[2K⟳ {text}");
            let _ = err.flush();
            self.drawn = true;
        } else {
            let _ = writeln!(err, "{text}");
        }
    }

    fn finish(&mut self) {
        if self.drawn {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
            self.drawn = false;
        }
    }
}
