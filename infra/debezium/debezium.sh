#!/usr/bin/env bash
# Kafka Connect (standalone) with Debezium's PostgreSQL connector, from their jars, for the
# benchmark's Debezium mode. The worker starts with no connector; the bench adds one per step
# through the REST API (http://127.0.0.1:$CONNECT_PORT/connectors) and deletes it after.
# Usage: debezium.sh fetch|start|stop|status   (idempotent, like infra/kafka/kafka.sh)
#   KAFKA_BROKERS (127.0.0.1:9092)  CONNECT_PORT (18083)  CONNECT_STATE_DIR (infra/debezium/.state)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
state="${CONNECT_STATE_DIR:-$here/.state}"
port="${CONNECT_PORT:-18083}"
brokers="${KAFKA_BROKERS:-127.0.0.1:9092}"
pidfile="$state/connect-$port.pid"
config="$state/worker-$port.properties"
logs="$state/logs-$port"

log() { printf '[debezium] %s\n' "$*" >&2; }

fetch() {
  if [ -f "$here/lib/.complete" ] && [ -f "$here/plugins/.complete" ]; then return 0; fi
  log "fetching Kafka Connect and Debezium jars with Maven (pinned in infra/debezium/*-pom.xml)"
  mvn -q -B -f "$here/connect-pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$here/lib" -DincludeScope=runtime
  # The worker provides the Connect API and the Kafka clients; a plugin bringing its own would
  # be shadowed by the worker's anyway (Connect loads org.apache.kafka classes from its parent).
  mvn -q -B -f "$here/connector-pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$here/plugins/debezium-postgres" -DincludeScope=runtime -DexcludeGroupIds=org.apache.kafka
  touch "$here/lib/.complete" "$here/plugins/.complete"
}

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }
answers() { curl -sf "http://127.0.0.1:$port/" >/dev/null 2>&1; }

write_config() {
  cat >"$config" <<PROPS
bootstrap.servers=$brokers
listeners=http://127.0.0.1:$port
plugin.path=$here/plugins
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.storage.StringConverter
offset.storage.file.filename=$state/offsets-$port.dat
# Lets each connector set its own producer (the bench's tuned run sets linger and batch size).
connector.client.config.override.policy=All
PROPS
}

start() {
  fetch
  mkdir -p "$state" "$logs"
  if running; then log "already running (pid $(cat "$pidfile")) on 127.0.0.1:$port"; return 0; fi
  write_config
  : >"$logs/connect.log"
  nohup java -Xms256m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$here/log4j2.properties" -Dconnect.logs.dir="$logs" \
    -cp "$here/lib/*" org.apache.kafka.connect.cli.ConnectStandalone "$config" >"$logs/connect.log" 2>&1 &
  echo $! >"$pidfile"
  for _ in $(seq 1 240); do
    if answers; then log "started (pid $(cat "$pidfile")) on 127.0.0.1:$port"; return 0; fi
    running || { log "worker exited; see $logs/connect.log"; tail -n 30 "$logs/connect.log" >&2; exit 1; }
    sleep 0.5
  done
  log "worker did not answer within 120 s; see $logs/connect.log"; exit 1
}

stop() {
  if ! running; then rm -f "$pidfile"; log "not running"; return 0; fi
  local pid; pid="$(cat "$pidfile")"
  kill -TERM "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; log "stopped"; return 0; }
    sleep 0.5
  done
  log "worker ignored SIGTERM for 30 s; killing"; kill -KILL "$pid" 2>/dev/null || true; rm -f "$pidfile"
}

status() { if running; then echo "running (pid $(cat "$pidfile"))"; else echo "stopped"; exit 3; fi; }

case "${1:-}" in
  fetch) fetch ;; start) start ;; stop) stop ;; status) status ;;
  *) echo "usage: $0 fetch|start|stop|status" >&2; exit 2 ;;
esac
