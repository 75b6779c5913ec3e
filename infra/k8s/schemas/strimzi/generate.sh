#!/usr/bin/env bash
# Vendors the openAPIV3Schema of the Strimzi CRDs the manifests use, as Strimzi's own build makes
# them: its crd-generator run over its API model classes, both the Maven Central jars of pom.xml.
# Descriptions are dropped: they are most of the size and constrain nothing. Run it after
# changing strimzi.version; test/ops/k8s-manifests.spec.ts validates against the result.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mvn -B -q dependency:build-classpath -Dmdep.outputFile="$work/classpath"
declare -A models=(
  [kafka]=io.strimzi.api.kafka.model.kafka.Kafka
  [kafkanodepool]=io.strimzi.api.kafka.model.nodepool.KafkaNodePool
  [kafkatopic]=io.strimzi.api.kafka.model.topic.KafkaTopic
  [kafkauser]=io.strimzi.api.kafka.model.user.KafkaUser
)
args=()
for name in "${!models[@]}"; do args+=("${models[$name]}=$work/$name.yaml"); done
java -cp "$(cat "$work/classpath")" io.strimzi.crdgenerator.CrdGenerator --yaml \
  --api-versions v1beta2 --storage-version v1beta2 "${args[@]}" 2>/dev/null

for name in "${!models[@]}"; do
  node -e '
    const { readFileSync, writeFileSync } = require("node:fs");
    const { parse } = require("yaml");
    const [crdFile, out, version] = process.argv.slice(1);
    const crd = parse(readFileSync(crdFile, "utf8"));
    const { schema } = crd.spec.versions.find((v) => v.name === version);
    const strip = (key, value) => (key === "description" && typeof value === "string" ? undefined : value);
    const kept = { kind: crd.spec.names.kind, group: crd.spec.group, version, openAPIV3Schema: schema.openAPIV3Schema };
    writeFileSync(out, JSON.stringify(JSON.parse(JSON.stringify(kept), strip)) + "\n");
  ' "$work/$name.yaml" "$name.v1beta2.json" v1beta2
done
ls -l ./*.json
