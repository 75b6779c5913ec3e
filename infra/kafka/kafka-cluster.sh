#!/usr/bin/env bash
# Three Kafka nodes on this machine, each a broker and a controller (kafka.sh), together the
# controller quorum; topics get 3 replicas and min.insync.replicas=2, so any one node may die.
# Usage: kafka-cluster.sh up|down|status|bootstrap|start NODE|stop NODE   (NODE: 1, 2 or 3)
#   up, down: all nodes, idempotent; start, stop: one node (start: again, on its state).
# Node n listens on 127.0.0.1:P+2(n-1) for clients and the port after for its controller, where
# P is KAFKA_CLUSTER_PORT (default 19192); state in KAFKA_CLUSTER_STATE_DIR (default .state/cluster).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
state="${KAFKA_CLUSTER_STATE_DIR:-$here/.state/cluster}"
first_port="${KAFKA_CLUSTER_PORT:-19192}"
nodes=(1 2 3)
# Three JVMs starting at once on a small machine: the client JIT alone (C1) takes about half the
# CPU to start, and a local cluster's load is light enough not to miss the optimising compiler.
export KAFKA_EXTRA_JAVA_OPTS="${KAFKA_EXTRA_JAVA_OPTS--XX:TieredStopAtLevel=1}"

log() { printf '[kafka-cluster] %s\n' "$*" >&2; }
port_of() { echo $((first_port + 2 * ($1 - 1))); }
controller_port_of() { echo $((first_port + 2 * ($1 - 1) + 1)); }

joined() { local IFS=,; echo "$*"; }
voters() { local n out=(); for n in "${nodes[@]}"; do out+=("$n@127.0.0.1:$(controller_port_of "$n")"); done; joined "${out[@]}"; }
bootstrap() { local n out=(); for n in "${nodes[@]}"; do out+=("127.0.0.1:$(port_of "$n")"); done; joined "${out[@]}"; }

# The nodes refuse one another unless their storage was formatted with one cluster id.
# Kafka's ids are 16 random bytes in URL-safe base64, never starting with '-'.
cluster_id() {
  local file="$state/cluster.id" id
  if [ ! -s "$file" ]; then
    mkdir -p "$state"
    id=-
    while [[ "$id" == -* ]]; do id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"; done
    echo "$id" >"$file"
  fi
  cat "$file"
}

on_node() {
  local n="$1" command="$2" id=
  case "$n" in 1 | 2 | 3) ;; *) echo "no node '$n': nodes are 1, 2 and 3" >&2; exit 2 ;; esac
  if [ "$command" = start ]; then id="$(cluster_id)"; fi
  KAFKA_NODE_ID="$n" KAFKA_PORT="$(port_of "$n")" KAFKA_CONTROLLER_PORT="$(controller_port_of "$n")" \
    KAFKA_STATE_DIR="$state" KAFKA_QUORUM_VOTERS="$(voters)" KAFKA_CLUSTER_ID="$id" \
    "$here/kafka.sh" "$command"
}

# Runs the command on every node at once: a node finishes starting only once a majority of the
# quorum runs, so the nodes cannot start one after another.
all() {
  local n pid pids=() failed=0
  for n in "${nodes[@]}"; do on_node "$n" "$1" & pids+=($!); done
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  return "$failed"
}

up() {
  "$here/kafka.sh" fetch
  cluster_id >/dev/null
  all start || { log "a node did not start; see $state/logs-*"; exit 1; }
  log "up: $(bootstrap)"
}

status() {
  local n stopped=0
  for n in "${nodes[@]}"; do
    printf 'node %s 127.0.0.1:%s: ' "$n" "$(port_of "$n")"
    on_node "$n" status || stopped=1
  done
  [ "$stopped" = 0 ] || exit 3
}

case "${1:-}" in
  up) up ;;
  down) all stop ;;
  status) status ;;
  bootstrap) bootstrap ;;
  start | stop) on_node "${2:-}" "$1" ;;
  *) echo "usage: $0 up|down|status|bootstrap|start NODE|stop NODE" >&2; exit 2 ;;
esac
