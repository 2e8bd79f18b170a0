# Shared environment of the scripts: tool versions, PATH and the cargo target directory.
# Sourced, not run.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT

# Pinned tools that build with the machine's Rust (1.95); see docs/toolchain.md.
CARGO_LEPTOS_VERSION=0.3.10
TRUNK_VERSION=0.21.14
PLAYWRIGHT_CORE_VERSION=1.65.1
# wasm-bindgen-cli must equal the wasm-bindgen in Cargo.lock.
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$REPO_ROOT/Cargo.lock")"

# The Python environment holding the S3-compatible test server (moto).
export MOTO_VENV="${MOTO_VENV:-$HOME/.cache/scaiflow/moto-venv}"
MOTO_VERSION=5.2.5

# Builds go outside the clone by default, so a fresh clone reuses compiled dependencies.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/scaiflow/target}"
# wasm-opt from npm (binaryen 132) must come before any other on PATH: Debian's binaryen
# produces WASM that fails to hydrate.
export PATH="$REPO_ROOT/scripts/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# cargo-leptos and Trunk must never try to download anything.
export TRUNK_OFFLINE=true

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
