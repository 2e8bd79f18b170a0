#!/usr/bin/env bash
# Runs every check and test: formatting, lints (native and WASM), the purity of the shared
# crates, unit and router tests, the release WASM's size budget, and the browser tests against
# the real server and the server-less playground. Installs what it needs first
# (scripts/setup.sh test).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

"$REPO_ROOT/scripts/setup.sh" test
cd "$REPO_ROOT"
started=$SECONDS

step "cargo fmt --check"
cargo fmt --all --check

# The pure crates: no IO frameworks, and they build for the browser.
pure_crates=(flow-model compiler flow-edit executor wire)

step "the pure crates stay pure: ${pure_crates[*]}"
forbidden='^(tokio|sqlx|axum|leptos|object_store|reqwest)([-_][a-z0-9_-]+)?$'
for crate in "${pure_crates[@]}"; do
  deps="$(cargo tree --locked -p "$crate" -e normal,build --prefix none --format '{p}' | awk '{print $1}' | sort -u)"
  if bad="$(grep -E "$forbidden" <<<"$deps")"; then
    echo "error: $crate must not depend on: $(tr '\n' ' ' <<<"$bad")" >&2
    exit 1
  fi
done
echo "ok: none depends on tokio, sqlx, axum, leptos, object_store or reqwest"
# The system clock compiles for wasm32 but panics there: pure code takes time from its caller
# (the library code; examples and benches run natively and may time themselves).
sources=("${pure_crates[@]/#/crates/}")
if clock="$(grep -rnE '(SystemTime|Instant)::now' "${sources[@]/%//src}" --include='*.rs')"; then
  echo "error: pure crates must take the time from their caller:" >&2
  echo "$clock" >&2
  exit 1
fi
echo "ok: none reads the system clock"

step "cargo clippy (native, all targets)"
cargo clippy --locked --workspace --all-targets -- -D warnings

step "cargo clippy (the production server, without the stand-in)"
if cargo tree --locked -p scaiflow-server --no-default-features -e normal,build --prefix none \
  --format '{p}' | grep -qE '^scaigrid-sim '; then
  echo "error: scaiflow-server without default features still links scaigrid-sim" >&2
  exit 1
fi
cargo clippy --locked -p scaiflow-server --no-default-features --bin scaiflow-server -- -D warnings

step "cargo clippy (wasm32: browser crates)"
cargo clippy --locked --target wasm32-unknown-unknown -p frontend --features hydrate -- -D warnings
cargo clippy --locked --target wasm32-unknown-unknown -p frontend --features editor,split -- -D warnings
cargo clippy --locked --target wasm32-unknown-unknown -p app --no-default-features --features playground \
  --bin scaiflow-playground -- -D warnings

step "cargo check --target wasm32-unknown-unknown (the pure crates)"
cargo check --locked --target wasm32-unknown-unknown "${pure_crates[@]/#/--package=}"

step "unit, router and process tests (SQLite, local directory)"
# The whole workspace, frontend included: Cargo then unifies the browser's features into the
# server binary these tests run (what a plain `cargo build` or `cargo test` at the top makes),
# while the browser tests below run the binary `cargo leptos build` makes. Pages must render
# in both (server/src/render.rs).
cargo nextest run --locked --workspace --no-fail-fast

step "the OpenAPI document passes a standard OpenAPI 3.1 validator"
# The binary the workspace tests above built for their process tests (a `cargo build` here
# would unify other features and build it again).
openapi_json="$(mktemp --suffix=.json)"
"$CARGO_TARGET_DIR/debug/scaiflow-server" openapi >"$openapi_json"
"$OPENAPI_VENV/bin/openapi-spec-validator" "$openapi_json"
rm -f "$openapi_json"

step "server tests again on MariaDB and an S3-compatible server"
source "$REPO_ROOT/scripts/services.sh"
trap stop_services EXIT
start_services
cargo nextest run --locked -p scaiflow-server --no-fail-fast
stop_services
trap - EXIT
unset SCAIFLOW_TEST_MYSQL_URL SCAIFLOW_TEST_S3_BUCKET AWS_ENDPOINT AWS_ALLOW_HTTP AWS_REGION AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY

step "the release WASM stays within its size budget"
"$REPO_ROOT/scripts/bundle-size.sh"

step "cargo leptos build (server with the stand-in + the pages' WASM, then the editor's in pieces)"
cargo leptos build --project scaiflow --bin-features stand-in
cargo leptos build --split --project editor --frontend-only

step "trunk build (server-less playground)"
trunk build

step "browser tests (headless Chromium)"
export SCAIFLOW_SERVER_BIN="$CARGO_TARGET_DIR/debug/scaiflow-server"
npm test --prefix "$REPO_ROOT/end2end"

printf '\nall checks passed in %d s (screenshots in end2end/output/)\n' $((SECONDS - started))
