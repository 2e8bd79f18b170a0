#!/usr/bin/env bash
# Installs what building and testing ScaiFlow needs, skipping whatever is already there at the
# right version. Safe to run again at any time.
#
#   scripts/setup.sh run    what `scripts/run.sh` needs (WASM target, cargo-leptos,
#                           wasm-bindgen-cli, wasm-opt)
#   scripts/setup.sh test   the above plus Trunk, Debian Chromium and the browser-test packages
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

purpose="${1:-test}"
case "$purpose" in run|test) ;; *) echo "usage: $0 [run|test]" >&2; exit 2 ;; esac

have_version() { # command, expected version substring
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -qF "$2"
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

for tool in rustup cargo node npm; do
  command -v "$tool" >/dev/null || { echo "error: $tool is required but not installed" >&2; exit 1; }
done

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -qF "cargo-leptos $CARGO_LEPTOS_VERSION"; then
  step "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 17 minutes on 2 cores, once)"
  # no_downloads: a missing tool is an error, never a download attempt. LTO off halves the
  # memory the install needs without making it slower.
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install "cargo-leptos@$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

if ! have_version wasm-bindgen "wasm-bindgen $WASM_BINDGEN_VERSION"; then
  step "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes, once)"
  # Not --locked: its lockfile names a webpki-roots release the registry no longer has.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if ! have_version wasm-opt "version 132"; then
  step "installing wasm-opt (npm binaryen 132)"
  npm ci --prefix "$REPO_ROOT/scripts/tools" --no-audit --no-fund
fi

if [ "$purpose" = run ]; then
  exit 0
fi

if ! cargo nextest --version 2>/dev/null | grep -qF "cargo-nextest "; then
  step "installing cargo-nextest $NEXTEST_VERSION (once)"
  cargo install "cargo-nextest@$NEXTEST_VERSION" --locked
fi

if ! have_version trunk "trunk $TRUNK_VERSION"; then
  step "installing trunk $TRUNK_VERSION (about 9 minutes, once)"
  cargo install "trunk@$TRUNK_VERSION" --locked
fi

missing_packages=()
[ -x /usr/bin/chromium ] || missing_packages+=(chromium)
command -v mariadbd >/dev/null || missing_packages+=(mariadb-server)
command -v curl >/dev/null || missing_packages+=(curl)
command -v wrk >/dev/null || missing_packages+=(wrk)
python3 -c 'import venv, ensurepip' 2>/dev/null || missing_packages+=(python3-venv)
if [ ${#missing_packages[@]} -gt 0 ]; then
  step "installing Debian packages: ${missing_packages[*]}"
  as_root apt-get update
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y --no-install-recommends "${missing_packages[@]}"
fi

if ! "$MOTO_VENV/bin/python" -c "import moto, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
  step "installing the S3 test server (moto $MOTO_VERSION, PyPI)"
  python3 -m venv "$MOTO_VENV"
  "$MOTO_VENV/bin/pip" install --quiet "moto[server]==$MOTO_VERSION"
fi

if ! "$OPENAPI_VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('openapi-spec-validator') != '$OPENAPI_VALIDATOR_VERSION')" 2>/dev/null; then
  step "installing the OpenAPI validator (openapi-spec-validator $OPENAPI_VALIDATOR_VERSION, PyPI)"
  python3 -m venv "$OPENAPI_VENV"
  "$OPENAPI_VENV/bin/pip" install --quiet "openapi-spec-validator==$OPENAPI_VALIDATOR_VERSION"
fi

# The browser-test packages, reinstalled whenever their lockfile changes.
e2e_lock_stamp="$REPO_ROOT/end2end/node_modules/.scaiflow-lock.sha256"
e2e_lock_sum="$(sha256sum "$REPO_ROOT/end2end/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$e2e_lock_stamp" 2>/dev/null)" != "$e2e_lock_sum" ]; then
  step "installing the browser-test packages (playwright-core $PLAYWRIGHT_CORE_VERSION, oidc-provider)"
  # playwright-core drives the Debian chromium above; it never downloads a browser.
  # oidc-provider is the OpenID provider the sign-in tests run against.
  npm ci --prefix "$REPO_ROOT/end2end" --no-audit --no-fund
  printf '%s\n' "$e2e_lock_sum" >"$e2e_lock_stamp"
fi
