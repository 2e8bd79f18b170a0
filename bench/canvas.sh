#!/usr/bin/env bash
# The canvas budget: opens generated flows of 1,000, 2,000 and 5,000 nodes (1.2 edges per node)
# in the release build of the editor (the playground: the same app, without a server) in
# headless Chromium, and prints time to first render and p50 / p95 frame times while panning,
# zooming and dragging one node and a 50-node selection. Results go in docs/BENCHMARKS.md.
# Needs the tools of `scripts/setup.sh test`. SIZES="1000 5000" picks other sizes.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/env.sh"
cd "$REPO_ROOT"

SIZES="${SIZES:-1000 2000 5000}"
work="$(mktemp -d "${TMPDIR:-/tmp}/scaiflow-bench-canvas.XXXXXX")"
trap 'rm -rf "$work"' EXIT

step "generating flows of $SIZES nodes"
cargo build --locked --release -p canvas-bench
flows=()
for n in $SIZES; do
  "$CARGO_TARGET_DIR/release/canvas-flowgen" "$n" >"$work/flow-$n.json"
  flows+=("$work/flow-$n.json")
done

step "building the editor (release playground)"
trunk build --release --dist "$work/playground"

step "measuring in Chromium"
node "$REPO_ROOT/bench/canvas/run.mjs" "$work/playground" "${flows[@]}"
