#!/usr/bin/env bash
# docker-compose's one-off access step, as the admin: the topics and ACLs of access.txt, as
# kafka.sh's KAFKA_SASL=scram mode applies them (grant-access.mjs). Idempotent.
set -euo pipefail
[ -n "${SCRAM_ADMIN_PASSWORD:-}" ] || { echo "SCRAM_ADMIN_PASSWORD is not set" >&2; exit 1; }
bin="${KAFKA_BIN:-/opt/kafka/bin}"
bootstrap="${BOOTSTRAP_SERVER:-kafka:9092}"
cat >/tmp/admin.properties <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${SCRAM_ADMIN_PASSWORD}";
PROPS
as_admin=(--bootstrap-server "$bootstrap" --command-config /tmp/admin.properties)

while read -r kind first second third fourth fifth; do
  case "$kind" in
    '' | '#'*) ;;
    topic)
      "$bin/kafka-topics.sh" "${as_admin[@]}" --create --if-not-exists --topic "$first" --partitions "$second"
      ;;
    allow)
      operations=()
      IFS=, read -r -a listed <<<"$fifth"
      for operation in "${listed[@]}"; do operations+=(--operation "$operation"); done
      "$bin/kafka-acls.sh" "${as_admin[@]}" --add --allow-principal "User:$first" \
        "--$second" "$fourth" --resource-pattern-type "$third" "${operations[@]}"
      ;;
    *) echo "unknown entry in access.txt: $kind" >&2; exit 1 ;;
  esac
done <"${ACCESS_FILE:-/converge/access.txt}"
