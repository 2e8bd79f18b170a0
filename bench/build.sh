#!/usr/bin/env bash
# Measures what docs/BENCHMARKS.md reports about builds:
#   1. the README test command (scripts/test.sh) from a clean cargo target directory,
#   2. the same command again after touching one file of the `app` crate,
#   3. the release site build (scripts/bundle-size.sh), and the sizes of the pages' release WASM
#      (raw, gzip -9, brotli) and of the editor's and its pieces (bench/wasm-pieces.py)
#      and of its JS glue.
# Tools must already be installed (scripts/setup.sh test). Takes about half an hour on 2 cores.
#
#   bench/build.sh             all three
#   bench/build.sh --sizes     only 3 (reuses the normal target directory)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/env.sh"
cd "$REPO_ROOT"

elapsed() { # command...: runs it, prints its wall-clock seconds
  local start=$SECONDS
  "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  echo $((SECONDS - start))
}

if [ "${1:-}" != --sizes ]; then
  clean_dir="$(mktemp -d "${TMPDIR:-/tmp}/scaiflow-bench-target.XXXXXX")"
  trap 'rm -rf "$clean_dir"' EXIT
  export CARGO_TARGET_DIR="$clean_dir"
  rm -rf target/site target/playground
  clean=$(elapsed scripts/test.sh)
  touch app/src/canvas/view.rs
  incremental=$(elapsed scripts/test.sh)
  echo "clean test command:        ${clean} s"
  echo "after touching one app file: ${incremental} s"
fi

release=$(elapsed scripts/bundle-size.sh)
pkg=target/site/pkg
wasm=$(stat -c %s "$pkg/scaiflow.wasm")
wasm_gz=$(gzip -9 -c "$pkg/scaiflow.wasm" | wc -c)
js=$(stat -c %s "$pkg/scaiflow.js")
js_gz=$(gzip -9 -c "$pkg/scaiflow.js" | wc -c)
echo "release site build:        ${release} s"
echo "release wasm (the pages): ${wasm} B raw, ${wasm_gz} B gzip -9"
if command -v brotli >/dev/null; then
  echo "release wasm brotli -q 11: $(brotli -q 11 -c "$pkg/scaiflow.wasm" | wc -c) B"
fi
echo "js glue:                   ${js} B raw, ${js_gz} B gzip -9"
python3 bench/wasm-pieces.py target/site/editor/pkg --main editor
