#!/usr/bin/env bash
# Builds ScaiFlow (release) and runs it on the embedded defaults: SQLite in ./scaiflow.db,
# flow objects in ./data, local single-user mode, http://127.0.0.1:8001/, and the ScaiGrid
# stand-in in-process so deploys work on one machine.
# Any SCAIFLOW_* variable (or a .env file here) overrides a default; see docs/configuration.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

"$REPO_ROOT/scripts/setup.sh" run
cd "$REPO_ROOT"

step "cargo leptos build --release (with the ScaiGrid stand-in), then the editor's bundle"
cargo leptos build --release --precompress --project scaiflow --bin-features stand-in
cargo leptos build --release --precompress --split --project editor --frontend-only

url="http://${SCAIFLOW_API_HOST:-127.0.0.1}:${SCAIFLOW_API_PORT:-8001}/"
step "starting ScaiFlow at $url (Ctrl-C stops it)"
export SCAIFLOW_SITE_ROOT="${SCAIFLOW_SITE_ROOT:-$REPO_ROOT/target/site}"
# Without a real ScaiGrid, deploys go to the in-process stand-in (ignored once
# SCAIGRID_BASE_URL is set).
export SCAIFLOW_SCAIGRID_SIM="${SCAIFLOW_SCAIGRID_SIM:-true}"
exec "$CARGO_TARGET_DIR/release/scaiflow-server"
