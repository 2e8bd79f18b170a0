//! `scaiflow-server`: reads the configuration, opens storage, serves until SIGINT or SIGTERM.
//!
//! Exit codes: 0 after a clean shutdown, 2 for a configuration error, 1 when start-up fails.

use std::process::ExitCode;

use anyhow::Context;
use scaiflow_server::{AppState, Config, config::AuthMode, router, telemetry};
use tokio::net::TcpListener;

fn main() -> ExitCode {
    let config = match Config::load() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: invalid configuration: {e}");
            return ExitCode::from(2);
        }
    };
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

async fn run(config: Config) -> anyhow::Result<()> {
    let wasm = config.site_root.join("pkg").join(format!("{}.wasm", app::OUTPUT_NAME));
    anyhow::ensure!(
        wasm.is_file(),
        "the editor is not built: {} is missing; build it with `cargo leptos build` \
         (or point SCAIFLOW_SITE_ROOT at a built site)",
        wasm.display()
    );
    let addr = config.listen_addr();
    tracing::info!(
        database = ?config.database,
        object_store = ?config.object_store,
        auth = auth_name(&config.auth),
        env_files = ?config.env_files,
        "starting"
    );

    let shutdown = shutdown_signal()?;
    let state = AppState::open(config).await?;
    let listener = TcpListener::bind(addr).await.with_context(|| {
        format!("cannot listen on {addr} (set SCAIFLOW_API_PORT or SCAIFLOW_API_HOST)")
    })?;
    let bound = listener.local_addr().context("cannot read the listening address")?;
    tracing::info!(url = %format!("http://{bound}/"), "ScaiFlow is running");

    let db = state.db.clone();
    tokio::spawn(sweep_orphans(state.clone()));
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
        .context("server error")?;
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Once an hour, removes flow objects that interrupted saves left behind (older than an hour,
/// so a save between its two steps is never touched).
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
