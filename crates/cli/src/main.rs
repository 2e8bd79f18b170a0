//! `scaiflow`: validate, compile, import, package and deploy flow documents from the command
//! line.
//!
//! A thin shell over the `compiler` and `scaigrid-client` crates: it parses arguments, reads and
//! writes files, and maps outcomes to exit codes: 0 success, 1 the flow (or manifest) has
//! errors, 2 usage or IO errors, 3 ScaiGrid refused the deploy or could not be reached.

mod deploy;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use compiler::package::{self, PackageInfo};
use compiler::{Diagnostic, Format};
use flow_model::FlowGraph;

#[derive(Parser)]
#[command(
    name = "scaiflow",
    version,
    about = "Validate, compile, import, package and deploy ScaiFlow flows"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a flow against the schema and analyse it; prints one diagnostic per line.
    Validate {
        /// The flow document (`*.flow.json`).
        flow: PathBuf,
        /// Print `{"ok": bool, "errors": [...], "warnings": [...]}` instead.
        #[arg(long)]
        json: bool,
    },
    /// Compile a flow to a ScaiCore artifact.
    Compile {
        flow: PathBuf,
        #[arg(long, default_value = "yaml", value_parser = parse_format)]
        format: Format,
        /// Where to write; `-` for standard output. Default: the input name with the format's
        /// extension (`my-flow.yaml`, `my-flow.scir`, `my-flow.scai`).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Skip verifying the IR bundle (IR only).
        #[arg(long)]
        no_verify: bool,
    },
    /// Turn a ScaiCore YAML manifest back into a flow document.
    Import {
        manifest: PathBuf,
        /// Where to write; standard output when omitted.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Build a catalog package (`.scaipkg`) on disk; nothing is uploaded.
    Publish {
        flow: PathBuf,
        /// Default: the slug of the flow name.
        #[arg(long)]
        package_id: Option<String>,
        /// Default: the flow name.
        #[arg(long)]
        name: Option<String>,
        #[arg(long = "version", default_value = "0.1.0")]
        package_version: String,
        #[arg(long, default_value = "")]
        description: String,
        /// A Markdown file to include as README.md.
        #[arg(long)]
        readme: Option<PathBuf>,
        /// Default: `<package-id>-<version>.scaipkg`.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Compile a flow and deploy it straight to ScaiGrid (no ScaiFlow server; for CI):
    /// provisions the flow's ScaiQueue scope and queues, creates the Core, publishes it when
    /// asked. Prints `core_id=…` (and `published_slug=…`) on standard output.
    Deploy {
        flow: PathBuf,
        /// Publish the Core as a chat model (default: the flow's `config.publish_as_model`).
        #[arg(long, overrides_with = "no_publish_as_model")]
        publish_as_model: bool,
        /// Do not publish, whatever the flow's config says.
        #[arg(long, overrides_with = "publish_as_model")]
        no_publish_as_model: bool,
        /// A ScaiGrid API key (`sgk_…`); default `SCAIGRID_API_KEY`.
        #[arg(long, env = "SCAIGRID_API_KEY", hide_env_values = true)]
        api_key: Option<String>,
        /// Default `SCAIGRID_BASE_URL`, else the public ScaiGrid.
        #[arg(long, env = "SCAIGRID_BASE_URL", default_value = DEFAULT_BASE_URL)]
        base_url: String,
    },
}

/// The public ScaiGrid.
const DEFAULT_BASE_URL: &str = "https://scaigrid.scailabs.ai";

/// How a command ended, short of success.
pub(crate) enum Failure {
    /// The input has errors (exit 1); they have been printed.
    Invalid,
    /// Usage or IO (exit 2).
    Other(anyhow::Error),
    /// ScaiGrid refused the deploy or could not be reached (exit 3); printed already.
    Deploy,
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Other(e)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Validate { flow, json } => validate(&flow, json),
        Command::Compile { flow, format, out, no_verify } => compile(&flow, format, out, no_verify),
        Command::Import { manifest, out } => import(&manifest, out),
        Command::Publish { flow, package_id, name, package_version, description, readme, out } => {
            publish(&flow, package_id, name, package_version, description, readme, out)
        }
        Command::Deploy { flow, publish_as_model, no_publish_as_model, api_key, base_url } => {
            let publish = match (publish_as_model, no_publish_as_model) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            };
            deploy::run(&flow, publish, api_key, &base_url)
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Invalid) => ExitCode::from(1),
        Err(Failure::Deploy) => ExitCode::from(3),
        Err(Failure::Other(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn parse_format(text: &str) -> Result<Format, String> {
    text.parse()
}

/// Reads and parses a flow; a document that is not FlowGraph JSON is an input error.
pub(crate) fn load(path: &Path) -> Result<FlowGraph, Failure> {
    parse(path, &read(path)?)
}

fn parse(path: &Path, text: &str) -> Result<FlowGraph, Failure> {
    FlowGraph::from_json(text).map_err(|e| {
        eprintln!(
            "{}:{}:{}: error: {}{}",
            path.display(),
            e.line,
            e.column,
            e.message,
            at(e.path.as_deref())
        );
        Failure::Invalid
    })
}

fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| Failure::Other(anyhow::anyhow!("cannot read {}: {e}", path.display())))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    if path == Path::new("-") {
        use std::io::Write;
        return std::io::stdout()
            .write_all(bytes)
            .map_err(|e| Failure::Other(anyhow::anyhow!("cannot write to standard output: {e}")));
    }
    std::fs::write(path, bytes)
        .map_err(|e| Failure::Other(anyhow::anyhow!("cannot write {}: {e}", path.display())))
}

fn at(path: Option<&str>) -> String {
    path.map(|p| format!(" (at {p})")).unwrap_or_default()
}

/// `file: error: message (at path) [node x, edge y]`, one line per diagnostic, on stderr.
pub(crate) fn report(file: &Path, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        let severity = if d.is_error() { "error" } else { "warning" };
        let mut on = Vec::new();
        if let Some(node) = &d.node_id {
            on.push(format!("node {node}"));
        }
        if let Some(edge) = &d.edge_id {
            on.push(format!("edge {edge}"));
        }
        let on = if on.is_empty() { String::new() } else { format!(" [{}]", on.join(", ")) };
        eprintln!("{}: {severity}: {}{}{on}", file.display(), d.message, at(Some(&d.path)));
    }
}

fn validate(path: &Path, json: bool) -> Result<(), Failure> {
    let text = read(path)?;
    let diagnostics = match FlowGraph::from_json(&text) {
        Ok(flow) => compiler::analyze(&flow),
        Err(e) if json => {
            let error = serde_json::json!({
                "severity": "error", "message": e.message, "path": e.path, "line": e.line, "column": e.column,
                "node_id": null, "edge_id": null,
            });
            print_json(&serde_json::json!({"ok": false, "errors": [error], "warnings": []}));
            return Err(Failure::Invalid);
        }
        Err(_) => return parse(path, &text).map(drop),
    };
    let ok = !diagnostics.iter().any(Diagnostic::is_error);
    if json {
        let (errors, warnings): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
            diagnostics.iter().partition(|d| d.is_error());
        print_json(&serde_json::json!({"ok": ok, "errors": errors, "warnings": warnings}));
    } else {
        report(path, &diagnostics);
        if ok {
            eprintln!("{}: ok", path.display());
        }
    }
    if ok { Ok(()) } else { Err(Failure::Invalid) }
}

#[allow(clippy::print_stdout)]
fn print_json(value: &serde_json::Value) {
    println!("{}", serde_json::to_string_pretty(value).unwrap_or_default());
}

fn compile(
    path: &Path,
    format: Format,
    out: Option<PathBuf>,
    no_verify: bool,
) -> Result<(), Failure> {
    let flow = load(path)?;
    let output = match compiler::compile_flow(&flow, format) {
        Ok(output) => output,
        Err(e) => {
            report(path, e.diagnostics());
            if e.diagnostics().is_empty() {
                return Err(Failure::Other(e.into()));
            }
            return Err(Failure::Invalid);
        }
    };
    if format == Format::Ir && !no_verify {
        let module = compiler::decode(&output.bytes).map_err(|e| Failure::Other(e.into()))?;
        let problems = compiler::verify(&module);
        if !problems.is_empty() {
            for p in &problems {
                eprintln!("{}: verifier: {p}", path.display());
            }
            return Err(Failure::Invalid);
        }
    }
    let out = out.unwrap_or_else(|| default_output(path, format.extension()));
    write(&out, &output.bytes)?;
    if out != Path::new("-") {
        eprintln!("wrote {} ({} bytes)", out.display(), output.bytes.len());
    }
    Ok(())
}

/// `dir/my-flow.flow.json` → `dir/my-flow.<extension>`.
fn default_output(input: &Path, extension: &str) -> PathBuf {
    let name = input.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let stem =
        name.strip_suffix(".flow.json").or_else(|| name.strip_suffix(".json")).unwrap_or(&name);
    input.with_file_name(format!("{stem}.{extension}"))
}

fn import(path: &Path, out: Option<PathBuf>) -> Result<(), Failure> {
    let text = read(path)?;
    let flow = compiler::from_yaml(&text).map_err(|e| {
        eprintln!("{}: error: {e}", path.display());
        Failure::Invalid
    })?;
    let json = flow.to_json_pretty() + "\n";
    write(&out.unwrap_or_else(|| PathBuf::from("-")), json.as_bytes())
}

fn publish(
    path: &Path,
    package_id: Option<String>,
    name: Option<String>,
    version: String,
    description: String,
    readme: Option<PathBuf>,
    out: Option<PathBuf>,
) -> Result<(), Failure> {
    let flow = load(path)?;
    let mut info = PackageInfo::for_flow(&flow);
    if let Some(id) = package_id {
        info.package_id = id;
    }
    if let Some(name) = name {
        info.name = name;
    }
    info.version = version;
    info.description = description;
    let readme = readme.map(|p| read(&p)).transpose()?;
    let bytes = match package::build(&flow, &info, readme.as_deref()) {
        Ok(bytes) => bytes,
        Err(package::PackageError::Compile(e)) => {
            report(path, e.diagnostics());
            return Err(Failure::Invalid);
        }
        Err(e) => return Err(Failure::Other(e.into())),
    };
    let out = out
        .unwrap_or_else(|| PathBuf::from(format!("{}-{}.scaipkg", info.package_id, info.version)));
    write(&out, &bytes)?;
    eprintln!("wrote {} ({} bytes)", out.display(), bytes.len());
    Ok(())
}
