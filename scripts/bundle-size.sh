#!/usr/bin/env bash
# Builds the browser bundles as the README's run command serves them (`cargo leptos build
# --release`: the pages' hydrating bundle, and the editor's own bundle in pieces), prints the
# size of each and of what each part of the editor loads, and fails when opening the editor
# (the editor bundle's main module) is over the budget in gzip -9 bytes. A size, never a
# timing: the same sources give the same bytes.
#
#   scripts/bundle-size.sh            the release site build, sizes, budget check
#   scripts/bundle-size.sh --crates   also the editor bundle's code per crate
#                                     (bench/wasm-crates.py), from a copy built the same way
#                                     that keeps function names
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"

# gzip -9 bytes that opening the editor downloads. The target is 450,000 (docs/BENCHMARKS.md,
# "Browser bundle"); until the cuts reach it, the budget is the size measured when it was last
# lowered plus 2 %, so the bundle can only shrink.
budget=504000

# The pages' bundle first: building a project empties its site root, and the editor's is a
# folder inside the pages' site.
cargo leptos build --release --precompress --project scaiflow --frontend-only
cargo leptos build --release --precompress --split --project editor --frontend-only
pages=$(gzip -9 -c target/site/pkg/scaiflow.wasm | wc -c)
report="$(mktemp)"
python3 bench/wasm-pieces.py target/site/editor/pkg --main editor | tee "$report"
gz=$(tail -n 1 "$report")
rm -f "$report"
printf 'the pages (flows list, settings, admin): %d B gzip -9\n' "$pages"
printf 'opening the editor: %d B gzip -9 (budget %d B)\n' "$gz" "$budget"

if [ "${1:-}" = --crates ]; then
  # The whole bundle's code, before splitting: cargo-leptos's own steps, keeping the names (the
  # lib in its profile, wasm-bindgen, then wasm-opt with its flags plus -g).
  named="$(mktemp -d "${TMPDIR:-/tmp}/scaiflow-wasm.XXXXXX")"
  trap 'rm -rf "$named"' EXIT
  cargo build --locked -p frontend --lib --target wasm32-unknown-unknown --profile wasm-release \
    --no-default-features --features editor
  wasm-bindgen --target web --no-typescript --out-dir "$named" --out-name editor \
    "$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/frontend.wasm"
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int -g \
    "$named/editor_bg.wasm" -o "$named/named.wasm"
  python3 bench/wasm-crates.py "$named/named.wasm" 30
fi

if [ "$gz" -gt "$budget" ]; then
  echo "error: opening the editor downloads $gz B of WASM (gzip -9), over its budget of $budget B" >&2
  exit 1
fi
