#!/usr/bin/env bash
# The local stack's infrastructure, with no Docker: a real Kafka broker and the two databases.
# Usage: infra.sh up|down|status   (idempotent; down stops only what up started)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

case "${1:-}" in
  up)
    "$here/kafka/kafka.sh" start
    node "$here/postgres/postgres.mjs" up
    ;;
  down)
    "$here/kafka/kafka.sh" stop
    node "$here/postgres/postgres.mjs" down
    ;;
  status)
    printf 'kafka: '; "$here/kafka/kafka.sh" status || true
    ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
