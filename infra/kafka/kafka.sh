#!/usr/bin/env bash
# Runs a real Apache Kafka broker (KRaft, combined broker+controller) from its release jars.
# Usage: kafka.sh fetch|start|stop|status
# Idempotent: start reuses a running broker, stop is a no-op when none runs.
# Alone by default. As one node of a cluster (see kafka-cluster.sh) when KAFKA_QUORUM_VOTERS lists
# every node's controller (id@host:port,...) and KAFKA_CLUSTER_ID is the id all nodes share.
# With KAFKA_SASL=scram (alone only): clients authenticate with SCRAM-SHA-512 as the users of
# KAFKA_SASL_USERS ("name=password ...", made when the state is first formatted; `admin` is required,
# the super user), and ACLs bind: the topics and grants of access.txt are applied at every start.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
state="${KAFKA_STATE_DIR:-$here/.state}"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
node_id="${KAFKA_NODE_ID:-1}"
voters="${KAFKA_QUORUM_VOTERS:-$node_id@127.0.0.1:$controller_port}"
data="$state/data-$port"
logs="$state/logs-$port"
pidfile="$state/kafka-$port.pid"
config="$state/server-$port.properties"

log() { printf '[kafka] %s\n' "$*" >&2; }

sasl="${KAFKA_SASL:-}"
case "$sasl" in '' | scram) ;; *) log "KAFKA_SASL must be scram or unset, not '$sasl'"; exit 2 ;; esac
declare -A sasl_passwords=()
if [ -n "$sasl" ]; then
  for entry in ${KAFKA_SASL_USERS:-}; do sasl_passwords["${entry%%=*}"]="${entry#*=}"; done
  [ -n "${sasl_passwords[admin]:-}" ] || { log "KAFKA_SASL=scram needs KAFKA_SASL_USERS with admin=<password>"; exit 2; }
fi

fetch() {
  if [ -f "$here/lib/.complete" ]; then return 0; fi
  log "fetching broker jars with Maven (pinned in infra/kafka/pom.xml)"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$here/lib" -DincludeScope=runtime
  touch "$here/lib/.complete"
}

# KAFKA_EXTRA_JAVA_OPTS: more JVM options, space-separated (kafka-cluster.sh: a quicker start).
read -r -a extra_java_opts <<<"${KAFKA_EXTRA_JAVA_OPTS:-}"
java_opts=(-Xms256m -Xmx512m -XX:+UseG1GC "${extra_java_opts[@]}" -Djava.awt.headless=true
  -Dlog4j.configuration="file:$here/log4j.properties" -Dkafka.logs.dir="$logs" -cp "$here/lib/*")
java_cmd() { java "${java_opts[@]}" "$@"; }

running() {
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

answers() {
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

# Every node is a broker and a voter, so the voters count the brokers: up to 3 replicas, of
# which one may be lost while writes with acks=all still succeed. Alone, 1 and 1, as ever.
voter_count="$(tr ',' '\n' <<<"$voters" | grep -c .)"
replicas=$((voter_count < 3 ? voter_count : 3))
min_isr=$((replicas > 1 ? replicas - 1 : 1))

listener_props() {
  if [ -z "$sasl" ]; then
    cat <<PROPS
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
PROPS
    return
  fi
  local admin="${sasl_passwords[admin]}"
  # The controller listener takes PLAIN (KRaft has no SCRAM there), with the admin only.
  cat <<PROPS
listeners=SASL://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=SASL://127.0.0.1:$port
listener.security.protocol.map=SASL:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
inter.broker.listener.name=SASL
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$admin";
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$admin" user_admin="$admin";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin
allow.everyone.if.no.acl.found=false
PROPS
}

# format's --add-scram arguments: every user of KAFKA_SASL_USERS.
scram_users() {
  local name
  for name in "${!sasl_passwords[@]}"; do
    printf '%s\n' --add-scram "SCRAM-SHA-512=[name=$name,password=${sasl_passwords[$name]}]"
  done
}

grant_access() {
  [ -n "$sasl" ] || return 0
  KAFKA_BROKERS="127.0.0.1:$port" KAFKA_SASL_ADMIN_PASSWORD="${sasl_passwords[admin]}" \
    node "$here/grant-access.mjs" "$here/access.txt"
}

write_config() {
  cat >"$config" <<PROPS
process.roles=broker,controller
node.id=$node_id
controller.quorum.voters=$voters
$(listener_props)
controller.listener.names=CONTROLLER
log.dirs=$data
num.partitions=3
default.replication.factor=$replicas
offsets.topic.replication.factor=$replicas
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=$replicas
transaction.state.log.min.isr=$min_isr
min.insync.replicas=$min_isr
# Brokers on this machine: members join at once instead of after the default 3 s delay.
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.retention.hours=24
PROPS
  # Kafka's default too; said outright where there are replicas: an out-of-sync one never leads.
  if [ "$voter_count" -gt 1 ]; then echo 'unclean.leader.election.enable=false' >>"$config"; fi
}

start() {
  fetch
  mkdir -p "$state" "$logs"
  if running; then log "already running (pid $(cat "$pidfile")) on 127.0.0.1:$port"; return 0; fi
  if answers; then log "something already answers on 127.0.0.1:$port; reusing it"; return 0; fi
  write_config
  if [ ! -f "$data/meta.properties" ]; then
    local cluster_id="${KAFKA_CLUSTER_ID:-}"
    [ -n "$cluster_id" ] || cluster_id="$(java_cmd kafka.tools.StorageTool random-uuid | tail -n 1)"
    local users=()
    [ -z "$sasl" ] || mapfile -t users < <(scram_users)
    java_cmd kafka.tools.StorageTool format -t "$cluster_id" -c "$config" "${users[@]}" >/dev/null
  fi
  # server.log is appended to: only this start's lines tell whether this start is done.
  local logged
  logged="$(stat -c %s "$logs/server.log" 2>/dev/null || echo 0)"
  nohup java "${java_opts[@]}" kafka.Kafka "$config" >"$logs/stdout.log" 2>&1 &
  echo $! >"$pidfile"
  for _ in $(seq 1 120); do
    if tail -c "+$((logged + 1))" "$logs/server.log" 2>/dev/null | grep -q 'Kafka Server started' && answers; then
      grant_access
      log "started (pid $(cat "$pidfile")) on 127.0.0.1:$port${sasl:+ (SASL/SCRAM)}"; return 0
    fi
    running || { log "broker exited; see $logs"; tail -n 30 "$logs/stdout.log" >&2; exit 1; }
    sleep 0.5
  done
  log "broker did not answer within 60 s; see $logs"; exit 1
}

stop() {
  if ! running; then rm -f "$pidfile"; log "not running"; return 0; fi
  local pid; pid="$(cat "$pidfile")"
  kill -TERM "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; log "stopped"; return 0; }
    sleep 0.5
  done
  log "broker ignored SIGTERM for 30 s; killing"; kill -KILL "$pid" 2>/dev/null || true; rm -f "$pidfile"
}

status() { if running; then echo "running (pid $(cat "$pidfile"))"; else echo "stopped"; exit 3; fi; }

case "${1:-}" in
  fetch) fetch ;; start) start ;; stop) stop ;; status) status ;;
  *) echo "usage: $0 fetch|start|stop|status" >&2; exit 2 ;;
esac
