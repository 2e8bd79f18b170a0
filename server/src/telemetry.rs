//! Structured logging with `tracing`: human-readable text or JSON lines, filtered by
//! `SCAIFLOW_LOG` / `RUST_LOG` directives.

use tracing_subscriber::EnvFilter;

use crate::config::{Config, LogFormat};

/// Installs the global subscriber. An unparseable filter falls back to `info` with a warning
/// rather than silencing the server.
pub fn init(config: &Config) {
    let (filter, bad_filter) = match EnvFilter::try_new(&config.log_filter) {
        Ok(filter) => (filter, None),
        Err(e) => (EnvFilter::new("info"), Some(e)),
    };
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(true);
    match config.log_format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).init(),
    }
    if let Some(e) = bad_filter {
        tracing::warn!(filter = %config.log_filter, error = %e, "ignoring invalid log filter");
    }
}
