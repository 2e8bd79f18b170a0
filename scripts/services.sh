# Throwaway MariaDB and S3-compatible (moto) servers on free loopback ports, for the test suite.
# Sourced by scripts/test.sh; `start_services` exports SCAIFLOW_TEST_MYSQL_URL,
# SCAIFLOW_TEST_S3_BUCKET and the AWS_* settings, `stop_services` stops both and removes their
# data. Nothing listens anywhere but 127.0.0.1.

SERVICES_DIR=""

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

wait_for() { # description, seconds, command...
  local what="$1" limit="$2"
  shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      echo "error: $what did not start within ${limit}s" >&2
      return 1
    fi
    sleep 0.1
  done
}

start_services() {
  SERVICES_DIR="$(mktemp -d "${TMPDIR:-/tmp}/scaiflow-services.XXXXXX")"
  local mdb="$SERVICES_DIR/mariadb"
  mkdir -p "$mdb/run"
  local mysql_port
  mysql_port="$(free_port)"
  mariadb-install-db --no-defaults --datadir="$mdb/data" --user="$(id -un)" \
    --auth-root-authentication-method=normal --skip-test-db >"$mdb/install.log" 2>&1
  mariadbd --no-defaults --datadir="$mdb/data" --user="$(id -un)" --port="$mysql_port" \
    --bind-address=127.0.0.1 --socket="$mdb/run/mysqld.sock" --pid-file="$mdb/run/mysqld.pid" \
    --innodb-buffer-pool-size=64M --skip-name-resolve --log-error="$mdb/error.log" \
    >"$mdb/stdout.log" 2>&1 &
  echo $! >"$mdb/pid"
  wait_for "MariaDB" 30 mariadb-admin --no-defaults -uroot --socket="$mdb/run/mysqld.sock" ping
  mariadb --no-defaults -uroot --socket="$mdb/run/mysqld.sock" -e \
    "CREATE USER 'scaiflow'@'127.0.0.1' IDENTIFIED BY 'scaiflow'; GRANT ALL ON *.* TO 'scaiflow'@'127.0.0.1';"
  export SCAIFLOW_TEST_MYSQL_URL="mysql://scaiflow:scaiflow@127.0.0.1:$mysql_port"

  local s3_port
  s3_port="$(free_port)"
  "$MOTO_VENV/bin/moto_server" -H 127.0.0.1 -p "$s3_port" >"$SERVICES_DIR/moto.log" 2>&1 &
  echo $! >"$SERVICES_DIR/moto.pid"
  wait_for "the S3 server" 30 curl -sf "http://127.0.0.1:$s3_port/"
  curl -sf -X PUT "http://127.0.0.1:$s3_port/scaiflow-test" >/dev/null
  export SCAIFLOW_TEST_S3_BUCKET=scaiflow-test
  export AWS_ENDPOINT="http://127.0.0.1:$s3_port" AWS_ALLOW_HTTP=true AWS_REGION=us-east-1
  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
}

stop_services() {
  [ -n "$SERVICES_DIR" ] || return 0
  for pidfile in "$SERVICES_DIR/mariadb/pid" "$SERVICES_DIR/moto.pid"; do
    if [ -f "$pidfile" ]; then
      kill "$(cat "$pidfile")" 2>/dev/null || true
    fi
  done
  wait 2>/dev/null || true
  rm -rf "$SERVICES_DIR"
  SERVICES_DIR=""
}
