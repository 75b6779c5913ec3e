#!/usr/bin/env bash
# docker-compose's Kafka: makes the SCRAM users when the storage is first formatted (KRaft keeps
# them in its metadata, so the broker never runs without them), then hands over to the image's own
# start, which finds the storage formatted and goes on.
set -euo pipefail

for name in SCRAM_ADMIN_PASSWORD SCRAM_CART_PASSWORD SCRAM_CART_QUERY_PASSWORD SCRAM_STUDIO_PASSWORD; do
  [ -n "${!name:-}" ] || { echo "${name} is not set: see docker-compose.yml's kafka service" >&2; exit 1; }
done

# The admin's client settings, for the healthcheck.
cat >/tmp/admin.properties <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="${SCRAM_ADMIN_PASSWORD}";
PROPS

if [ ! -f /var/lib/kafka/data/meta.properties ]; then
  # Only what formatting reads; the broker's settings are the KAFKA_* variables.
  cat >/tmp/format.properties <<PROPS
process.roles=broker,controller
node.id=${KAFKA_NODE_ID}
controller.quorum.voters=${KAFKA_CONTROLLER_QUORUM_VOTERS}
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://:9092,CONTROLLER://:9093
log.dirs=/var/lib/kafka/data
PROPS
  scram() { printf 'SCRAM-SHA-512=[name=%s,password=%s]' "$1" "$2"; }
  /opt/kafka/bin/kafka-storage.sh format --cluster-id "${CLUSTER_ID}" -c /tmp/format.properties \
    --add-scram "$(scram admin "${SCRAM_ADMIN_PASSWORD}")" \
    --add-scram "$(scram cart "${SCRAM_CART_PASSWORD}")" \
    --add-scram "$(scram cart-query "${SCRAM_CART_QUERY_PASSWORD}")" \
    --add-scram "$(scram studio "${SCRAM_STUDIO_PASSWORD}")"
fi
exec /etc/kafka/docker/run
