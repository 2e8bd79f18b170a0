# Shared environment of the scripts: tool versions, PATH and the cargo target directory.
# Sourced, not run.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT

# Pinned tools that build with the machine's Rust (1.95); see docs/toolchain.md.
CARGO_LEPTOS_VERSION=0.3.10
TRUNK_VERSION=0.21.14
PLAYWRIGHT_CORE_VERSION=1.65.1
NEXTEST_VERSION=0.9.143
# wasm-bindgen-cli must equal the wasm-bindgen in Cargo.lock.
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$REPO_ROOT/Cargo.lock")"

# The Python environment holding the S3-compatible test server (moto).
export MOTO_VENV="${MOTO_VENV:-$HOME/.cache/scaiflow/moto-venv}"
MOTO_VERSION=5.2.5

# The standard OpenAPI validator the test command runs over the API's document.
export OPENAPI_VENV="${OPENAPI_VENV:-$HOME/.cache/scaiflow/openapi-venv}"
OPENAPI_VALIDATOR_VERSION=0.9.0

# Builds go outside the clone by default, so a fresh clone reuses compiled dependencies.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/scaiflow/target}"
# Cargo judges freshness by modification times, and paths inside artifacts (`env!`, dep-info)
# are those of the checkout that built them. When another checkout built last, artifacts can
# look newer than this checkout's sources and be reused wrongly: mark every source file here as
# changed, so the project's own crates rebuild (compiled dependencies are kept).
last_checkout="$CARGO_TARGET_DIR/.last-checkout"
if [[ "$(cat "$last_checkout" 2>/dev/null)" != "$REPO_ROOT" ]] && [[ -e "$REPO_ROOT/.git" ]]; then
  git -C "$REPO_ROOT" ls-files -z --cached --others --exclude-standard \
    | (cd "$REPO_ROOT" && xargs -0 -r touch -c --)
  mkdir -p "$CARGO_TARGET_DIR"
  printf '%s\n' "$REPO_ROOT" >"$last_checkout"
fi
unset last_checkout
# wasm-opt from npm (binaryen 132) must come before any other on PATH: Debian's binaryen
# produces WASM that fails to hydrate.
export PATH="$REPO_ROOT/scripts/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# cargo-leptos and Trunk must never try to download anything.
export TRUNK_OFFLINE=true

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
