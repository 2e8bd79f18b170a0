#!/usr/bin/env bash
# Times analysis and compilation in headless Chromium, built exactly like the production
# bundle (wasm-release profile, wasm-opt -Oz), on generated flows of 100, 1,000 and 10,000
# nodes. Results go in docs/BENCHMARKS.md. Needs the tools of `scripts/setup.sh test`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/env.sh"
cd "$REPO_ROOT"

step "building the compiler for wasm32 (wasm-release)"
cargo build --locked -p wasm-compile-bench --target wasm32-unknown-unknown --profile wasm-release
out="$REPO_ROOT/bench/wasm-compile/pkg"
wasm-bindgen --target web --out-dir "$out" \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/wasm_compile_bench.wasm"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  "$out/wasm_compile_bench_bg.wasm" -o "$out/wasm_compile_bench_bg.wasm"

step "timing in Chromium"
node "$REPO_ROOT/bench/wasm-compile/run.mjs"
