//! `scaiflow-server`: reads the configuration, opens storage, serves until SIGINT or SIGTERM;
//! or, with `admin grant|revoke`, gives or takes an admin role by hand and exits; `openapi`
//! prints the API's OpenAPI document (what `/api/openapi.json` serves) without serving.
//!
//! Exit codes: 0 after a clean shutdown (or a done command), 2 for a configuration or usage
//! error, 1 when start-up fails (or the command's user is not in the mirror).

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use scaiflow_server::config::{AuthMode, Config};
use scaiflow_server::site::router;
use scaiflow_server::state::AppState;
use scaiflow_server::storage::db::Database;
use scaiflow_server::storage::mirror;
use scaiflow_server::telemetry;
use tokio::net::TcpListener;
use tokio::sync::watch;

mod stand_in;

const USAGE: &str = "usage:
  scaiflow-server                                    serve (configured by environment variables)
  scaiflow-server admin grant <email> --role <role>  give a user an admin role by hand
                                                     (role: super_admin or tenant_admin)
  scaiflow-server admin revoke <email>               take a user's admin role away
  scaiflow-server openapi                            print the API's OpenAPI 3.1 document
  scaiflow-server --help | --version

The user is found by e-mail (any case) or id among the users of the configured database.";

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    Serve,
    Help,
    Version,
    OpenApi,
    /// Set (`Some`) or clear (`None`) the admin role of the user named by e-mail or id.
    Role {
        user: String,
        role: Option<String>,
    },
}

fn main() -> ExitCode {
    let command = match parse(std::env::args().skip(1)) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match command {
        Command::Help => say(USAGE),
        Command::Version => say(&format!("scaiflow-server {}", env!("CARGO_PKG_VERSION"))),
        Command::OpenApi => match scaiflow_server::api::document().to_pretty_json() {
            Ok(json) => say(&json),
            Err(e) => {
                eprintln!("error: the OpenAPI document cannot be written: {e}");
                ExitCode::FAILURE
            }
        },
        Command::Serve => serve(),
        Command::Role { user, role } => change_role(&user, role.as_deref()),
    }
}

/// Reads the arguments after the program name.
fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let args: Vec<String> = args.into_iter().collect();
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        [] => Ok(Command::Serve),
        ["--help" | "-h" | "help"] => Ok(Command::Help),
        ["--version" | "-V"] => Ok(Command::Version),
        ["openapi"] => Ok(Command::OpenApi),
        ["admin", "grant", rest @ ..] => {
            let mut user = None;
            let mut role = None;
            let mut rest = rest.iter();
            while let Some(word) = rest.next() {
                if let Some(value) = word.strip_prefix("--role=") {
                    role = Some(value);
                } else if *word == "--role" {
                    role = Some(*rest.next().ok_or("--role needs a value")?);
                } else if word.starts_with('-') || user.is_some() {
                    return Err(format!("unexpected argument '{word}'"));
                } else {
                    user = Some(*word);
                }
            }
            let user = user.ok_or("admin grant needs the user's e-mail")?;
            let role = role.ok_or("admin grant needs --role super_admin or --role tenant_admin")?;
            if !matches!(role, "super_admin" | "tenant_admin") {
                return Err(format!("unknown role '{role}': use super_admin or tenant_admin"));
            }
            Ok(Command::Role { user: user.to_owned(), role: Some(role.to_owned()) })
        }
        ["admin", "revoke", user] if !user.starts_with('-') => {
            Ok(Command::Role { user: (*user).to_owned(), role: None })
        }
        ["admin", "revoke", ..] => Err("admin revoke takes the user's e-mail, only".to_owned()),
        ["admin", ..] => Err("admin takes grant or revoke".to_owned()),
        [first, ..] => Err(format!("unknown command '{first}'")),
    }
}

#[allow(clippy::print_stdout)]
fn say(text: &str) -> ExitCode {
    println!("{text}");
    ExitCode::SUCCESS
}

fn serve() -> ExitCode {
    let config = match Config::load() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: invalid configuration: {e}");
            return ExitCode::from(2);
        }
    };
    if config.scaigrid_sim && !stand_in::BUILT_IN {
        eprintln!("error: invalid configuration: {}", stand_in::MISSING);
        return ExitCode::from(2);
    }
    telemetry::init(&config);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "server stopped");
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `admin grant` and `admin revoke`: on the database the server is configured with (migrated
/// first, as the server would), the role of one live user, recorded with source `manual`.
fn change_role(user: &str, role: Option<&str>) -> ExitCode {
    let config = match Config::load() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: invalid configuration: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(set_role(&config, user, role)) {
        Ok(Ok(done)) => say(&done),
        Ok(Err(refusal)) => {
            eprintln!("error: {refusal}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// What was done, or why nothing was (no such user, or more than one).
async fn set_role(
    config: &Config,
    user: &str,
    role: Option<&str>,
) -> anyhow::Result<Result<String, String>> {
    let url = format!("{:?}", config.database);
    let db = Database::connect(&config.database)
        .await
        .with_context(|| format!("cannot open database {url}"))?;
    db.migrate().await.with_context(|| format!("cannot migrate database {url}"))?;
    let found = mirror::live_users_named(&db, user).await.context("cannot read the users")?;
    let target = match found.as_slice() {
        [] => {
            db.close().await;
            return Ok(Err(format!(
                "no user '{user}' in {url}: the user must have signed in to ScaiFlow or been \
                 synced from ScaiKey first"
            )));
        }
        [one] => one,
        several => {
            let ids: Vec<String> =
                several.iter().map(|u| format!("{} ({})", u.id, u.tenant_id)).collect();
            db.close().await;
            return Ok(Err(format!(
                "'{user}' names {} users: {}; name one by its id",
                several.len(),
                ids.join(", ")
            )));
        }
    };
    mirror::set_role(&db, &target.id, role).await.context("cannot record the role")?;
    db.close().await;
    let who = match &target.email {
        Some(email) => format!("{email} ({}, tenant {})", target.id, target.tenant_id),
        None => format!("{} (tenant {})", target.id, target.tenant_id),
    };
    let before = target.admin_role.as_deref().unwrap_or("none");
    Ok(Ok(match role {
        Some(role) => format!("granted {role} to {who}, source manual (was {before})"),
        None => format!("revoked the admin role of {who} (was {before})"),
    }))
}

async fn run(mut config: Config) -> anyhow::Result<()> {
    let pages = config.site_root.join("pkg").join(format!("{}.wasm", app::OUTPUT_NAME));
    let editor =
        config.site_root.join(format!("{}.wasm", app::EDITOR_BUNDLE.trim_start_matches('/')));
    for wasm in [pages, editor] {
        anyhow::ensure!(
            wasm.is_file(),
            "the site is not built: {} is missing; build it with `cargo leptos build --project \
             scaiflow` and then `cargo leptos build --split --project editor --frontend-only` \
             (or point SCAIFLOW_SITE_ROOT at a built site)",
            wasm.display()
        );
    }
    let addr = config.listen_addr();
    tracing::info!(
        database = ?config.database,
        object_store = ?config.object_store,
        auth = auth_name(&config.auth),
        env_files = ?config.env_files,
        "starting"
    );

    let shutdown = shutdown_signal()?;
    // Kept for the life of the server: dropping it stops the stand-in.
    let _stand_in = match config.scaigrid_sim {
        true => Some(stand_in::start(&mut config).await?),
        false => None,
    };
    let state = AppState::open(config).await?;
    let listener = TcpListener::bind(addr).await.with_context(|| {
        format!("cannot listen on {addr} (set SCAIFLOW_API_PORT or SCAIFLOW_API_HOST)")
    })?;
    let bound = listener.local_addr().context("cannot read the listening address")?;
    tracing::info!(url = %format!("http://{bound}/"), "ScaiFlow is running");

    let db = state.db.clone();
    tokio::spawn(sweep_orphans(state.clone()));
    let (stop, stopped) = watch::channel(false);
    let sync = tokio::spawn(sync_mirror(state.clone(), stopped));
    let shutdown = async move {
        shutdown.await;
        let _ = stop.send(true);
    };
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
        .context("server error")?;
    let _ = sync.await;
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Once an hour (the first at start), removes flow objects that interrupted saves left behind
/// (older than an hour, so a save between its two steps is never touched) and closes
/// deployments the server stopped in the middle of (`interrupted`).
async fn sweep_orphans(state: AppState) {
    const PERIOD: std::time::Duration = std::time::Duration::from_secs(3600);
    let mut ticks = tokio::time::interval(PERIOD);
    loop {
        ticks.tick().await;
        match scaiflow_server::flows::content::sweep_orphans(
            &state.db,
            state.objects.as_ref(),
            PERIOD,
        )
        .await
        {
            Ok(0) => {}
            Ok(removed) => tracing::info!(removed, "removed objects of interrupted saves"),
            Err(e) => tracing::warn!(error = %e, "orphan sweep failed"),
        }
        let now = scaiflow_server::clock::now_millis();
        let stale = now - scaiflow_server::flows::deploy::STALE_AFTER_MS;
        match scaiflow_server::storage::flows::fail_stale_deployments(&state.db, stale, now).await {
            Ok(0) => {}
            Ok(closed) => tracing::warn!(closed, "closed deployments interrupted by a restart"),
            Err(e) => tracing::warn!(error = %e, "closing interrupted deployments failed"),
        }
    }
}

/// Every `SCAIFLOW_SYNC_INTERVAL_MINUTES` (the first at start), the full ScaiKey sync of the
/// user mirror when ScaiKey is configured; a failed run is logged and the next one tries again.
/// Ends, abandoning a run under way, when `stopped` turns true.
async fn sync_mirror(state: AppState, mut stopped: watch::Receiver<bool>) {
    let minutes = state.config.sync_interval_minutes;
    if minutes == 0 || state.scaikey.is_none() {
        return;
    }
    let mut ticks = tokio::time::interval(Duration::from_secs(minutes * 60));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stopped.changed() => return,
            _ = ticks.tick() => {}
        }
        tokio::select! {
            _ = stopped.changed() => return,
            result = state.mirror_sync.run() => {
                if let Err(e) = result {
                    tracing::warn!(error = %e, "ScaiKey sync failed; the next run tries again");
                }
            }
        }
    }
}

fn auth_name(auth: &AuthMode) -> &'static str {
    match auth {
        AuthMode::Local => "local",
        AuthMode::Disabled => "disabled",
        AuthMode::ScaiKey(_) => "scaikey",
    }
}

/// Installs SIGINT and SIGTERM handlers now, so a signal that arrives as soon as the server
/// reports it is running is never lost; the future resolves on the first of them, after which
/// in-flight requests finish.
fn shutdown_signal() -> anyhow::Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt()).context("cannot handle SIGINT")?;
    let mut terminate = signal(SignalKind::terminate()).context("cannot handle SIGTERM")?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => tracing::info!(signal = "SIGINT", "shutting down"),
            _ = terminate.recv() => tracing::info!(signal = "SIGTERM", "shutting down"),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(line: &str) -> Result<Command, String> {
        parse(line.split_whitespace().map(str::to_owned))
    }

    #[test]
    fn arguments_choose_the_command() {
        assert_eq!(parsed(""), Ok(Command::Serve));
        assert_eq!(parsed("--help"), Ok(Command::Help));
        assert_eq!(parsed("--version"), Ok(Command::Version));
        assert_eq!(parsed("openapi"), Ok(Command::OpenApi));
        let grant =
            |role: &str| Command::Role { user: "a@acme.example".into(), role: Some(role.into()) };
        assert_eq!(
            parsed("admin grant a@acme.example --role super_admin"),
            Ok(grant("super_admin"))
        );
        assert_eq!(
            parsed("admin grant --role=tenant_admin a@acme.example"),
            Ok(grant("tenant_admin"))
        );
        assert_eq!(
            parsed("admin revoke a@acme.example"),
            Ok(Command::Role { user: "a@acme.example".into(), role: None })
        );
    }

    #[test]
    fn usage_errors_say_what_is_wrong() {
        let error = |line| parsed(line).unwrap_err();
        assert!(error("admin grant a@acme.example --role owner").contains("unknown role 'owner'"));
        assert!(error("admin grant a@acme.example").contains("--role"));
        assert!(error("admin grant --role super_admin").contains("e-mail"));
        assert!(
            error("admin grant a@x b@x --role super_admin").contains("unexpected argument 'b@x'")
        );
        assert!(error("admin grant a@x --role").contains("needs a value"));
        assert!(error("admin revoke").contains("e-mail"));
        assert!(error("admin promote a@x").contains("grant or revoke"));
        assert!(error("serve").contains("unknown command 'serve'"));
    }
}
