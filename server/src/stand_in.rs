//! The ScaiGrid stand-in for the one-machine run (`SCAIFLOW_SCAIGRID_SIM=true` without
//! `SCAIGRID_BASE_URL`), built in only with the `stand-in` feature: a production build leaves
//! the stand-in out and refuses the setting at start (exit 2) instead of ignoring it.

use scaiflow_server::config::Config;

/// Whether this binary carries the stand-in.
pub const BUILT_IN: bool = cfg!(feature = "stand-in");

/// Why `SCAIFLOW_SCAIGRID_SIM=true` cannot be honoured by a build without the stand-in.
pub const MISSING: &str = "SCAIFLOW_SCAIGRID_SIM=true, but this build of scaiflow-server has no \
     ScaiGrid stand-in (it is built in with the `stand-in` cargo feature); set SCAIGRID_BASE_URL \
     to a ScaiGrid, or unset SCAIFLOW_SCAIGRID_SIM";

/// Kept for the life of the server: dropping it stops the stand-in.
#[cfg(feature = "stand-in")]
pub type Running = scaigrid_sim::Running;
#[cfg(not(feature = "stand-in"))]
pub type Running = std::convert::Infallible;

/// Starts the stand-in on loopback and points ScaiGrid calls at it, with its demo key as the
/// server-wide key and API keys only (the stand-in knows no other credential).
#[cfg(feature = "stand-in")]
pub async fn start(config: &mut Config) -> anyhow::Result<Running> {
    use anyhow::Context;
    use scaiflow_server::config::{DeployAuth, ScaiGridCredential};

    let sim = scaigrid_sim::start(scaigrid_sim::SimConfig::demo())
        .await
        .context("cannot start the ScaiGrid stand-in")?;
    config.scaigrid_url = sim.url.clone();
    config.scaigrid = Some(ScaiGridCredential {
        base_url: sim.url.clone(),
        api_key: scaigrid_sim::DEMO_KEY.to_owned(),
    });
    // Signed-in users' ScaiKey tokens mean nothing to the stand-in: keys only.
    config.deploy_auth = DeployAuth::ApiKey;
    tracing::warn!(
        url = %sim.url,
        "SCAIFLOW_SCAIGRID_SIM: deploys go to the in-process ScaiGrid stand-in (a test and demo \
         tool, not ScaiGrid); set SCAIGRID_BASE_URL to use a real ScaiGrid"
    );
    Ok(sim)
}

/// Never called: `main` refuses the setting before it gets here.
#[cfg(not(feature = "stand-in"))]
pub async fn start(_config: &mut Config) -> anyhow::Result<Running> {
    anyhow::bail!(MISSING)
}
