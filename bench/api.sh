#!/usr/bin/env bash
# API throughput on loopback with wrk (2 threads): GET /api/v1/flows/{id} of a 100-node flow and
# PUT of new versions, on SQLite + a local directory, next to a bare axum handler sending the
# same bytes in the same run (the ceiling); then the same GET on MariaDB. Prints req/s and
# p50/p99 latency. Results go in docs/BENCHMARKS.md. Takes about two minutes.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/env.sh"
source "$REPO_ROOT/scripts/services.sh"
cd "$REPO_ROOT"

DURATION="${DURATION:-10s}"
command -v wrk >/dev/null || { echo "error: wrk is not installed (apt-get install wrk)" >&2; exit 1; }

step "building (release)"
cargo build --locked --release -p scaiflow-server -p api-ceiling
bin="$CARGO_TARGET_DIR/release"

work="$(mktemp -d "${TMPDIR:-/tmp}/scaiflow-bench-api.XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  stop_services
  rm -rf "$work"
}
trap cleanup EXIT

# The server refuses to start without a built site; the benchmark does not need a real one.
mkdir -p "$work/site/pkg" && : >"$work/site/pkg/scaiflow.wasm"

start_server() { # name, db url → sets URL
  local port
  port="$(free_port)"
  mkdir -p "$work/$1"
  (cd "$work/$1" && SCAIFLOW_API_PORT="$port" SCAIFLOW_DB_URL="$2" SCAIFLOW_OBJECT_STORE="file://$work/$1/data" \
    SCAIFLOW_SITE_ROOT="$work/site" SCAIFLOW_LOG=warn exec "$bin/scaiflow-server") >"$work/$1.log" 2>&1 &
  pids+=($!)
  URL="http://127.0.0.1:$port"
  wait_for "the server" 30 curl -sf "$URL/healthz"
}

# A 100-node flow: an API entry and a chain of templates.
python3 - "$work/flow.json" <<'PY'
import json, sys
nodes = [{"id": "n0", "type": "entry_api", "label": "API Entry", "position": {"x": 0, "y": 0},
          "config": {"method": "POST", "path": "/"}, "outputs": [{"id": "out_request"}]}]
edges = []
for i in range(1, 100):
    nodes.append({"id": f"n{i}", "type": "llm_rigid", "label": f"Step {i}", "position": {"x": 260 * i, "y": 200},
                  "config": {"template": f"Step {i}: {{{{input.text}}}}"}, "inputs": [{"id": "in"}], "outputs": [{"id": "out"}]})
    edges.append({"id": f"e{i}", "type": "sequential", "source": {"node": f"n{i-1}", "port": "out_request" if i == 1 else "out"},
                  "target": {"node": f"n{i}", "port": "in"}})
flow = {"id": "flow_bench", "name": "Bench", "version": "1.0.0", "nodes": nodes, "edges": edges}
json.dump({"name": "Bench flow", "content": flow}, open(sys.argv[1], "w"))
PY

create_flow() {
  curl -sf -X POST -H 'Content-Type: application/json' --data-binary "@$work/flow.json" "$URL/api/v1/flows" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])'
}

# `name req/s p50 p99` from wrk's --latency output.
summarise() {
  python3 -c '
import re, sys
name, text = sys.argv[1], open(sys.argv[2]).read()
rate = re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)
lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", text, re.M))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
extra = f"  ({non2xx.group(1)} non-2xx)" if non2xx else ""
p50, p99 = lat.get("50", "?"), lat.get("99", "?")
print(f"{name:<38} {float(rate):>9.0f} req/s   p50 {p50:>9}   p99 {p99:>9}{extra}")
' "$1" "$2"
}

run_wrk() { # name, connections, wrk args...
  local name="$1" connections="$2"
  shift 2
  wrk -t2 -c"$connections" -d"$DURATION" --latency "$@" >"$work/wrk.out" 2>&1
  summarise "$name" "$work/wrk.out"
}

step "SQLite + local directory"
start_server sqlite "sqlite://$work/sqlite/scaiflow.db"
id="$(create_flow)"
curl -sf "$URL/api/v1/flows/$id" >"$work/get.json"
ceiling_port="$(free_port)"
"$bin/api-ceiling" "$work/get.json" "$ceiling_port" &
pids+=($!)
wait_for "the ceiling server" 10 curl -sf "http://127.0.0.1:$ceiling_port/"
echo "response: $(wc -c <"$work/get.json") bytes"
run_wrk "ceiling (bare axum, same bytes)" 16 "http://127.0.0.1:$ceiling_port/"
run_wrk "GET /api/v1/flows/{id}" 16 "$URL/api/v1/flows/$id"

# Each PUT changes one label, so each is a new version.
cat >"$work/put.lua" <<LUA
local counter = 0
local body = io.open("$work/flow.json"):read("*a")
local content = body:match('"content": (.*)}$')
wrk.method = "PUT"
wrk.headers["Content-Type"] = "application/json"
request = function()
  counter = counter + 1
  local edited = content:gsub('"Step 1"', '"Step 1 edit ' .. counter .. '"', 1)
  return wrk.format(nil, "/api/v1/flows/$id", nil, '{"content": ' .. edited .. '}')
end
LUA
before="$(curl -sf "$URL/api/v1/flows/$id/versions" | python3 -c 'import json, sys; print(json.load(sys.stdin)["total"])')"
run_wrk "PUT /api/v1/flows/{id} (new version)" 4 -s "$work/put.lua" "$URL"
after="$(curl -sf "$URL/api/v1/flows/$id/versions" | python3 -c 'import json, sys; print(json.load(sys.stdin)["total"])')"
echo "versions saved: $((after - before))"

step "MariaDB"
start_services
mariadb --no-defaults -uroot --socket="$SERVICES_DIR/mariadb/run/mysqld.sock" -e "CREATE DATABASE bench"
start_server mariadb "$SCAIFLOW_TEST_MYSQL_URL/bench"
id="$(create_flow)"
run_wrk "GET /api/v1/flows/{id} (MariaDB)" 16 "$URL/api/v1/flows/$id"
