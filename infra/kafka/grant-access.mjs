// Makes the topics and grants the ACLs of an access file (access.txt) as the broker's admin.
// Idempotent: existing topics are kept, an ACL granted twice is one ACL.
// Usage: KAFKA_BROKERS=host:port KAFKA_SASL_ADMIN_PASSWORD=… node grant-access.mjs access.txt
import { readFileSync } from 'node:fs';
import kafkajs from 'kafkajs';

const { Kafka, logLevel, AclResourceTypes, ResourcePatternTypes, AclOperationTypes, AclPermissionTypes } = kafkajs;

function entriesOf(file) {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => line.split(/\s+/));
}

function aclsOf([, user, type, pattern, name, operations]) {
  return operations.split(',').map((operation) => ({
    resourceType: AclResourceTypes[type.toUpperCase()],
    resourceName: name,
    resourcePatternType: ResourcePatternTypes[pattern.toUpperCase()],
    principal: `User:${user}`,
    host: '*',
    operation: AclOperationTypes[operation.toUpperCase()],
    permissionType: AclPermissionTypes.ALLOW,
  }));
}

const entries = entriesOf(process.argv[2]);
const unknown = entries.filter(([kind]) => kind !== 'topic' && kind !== 'allow');
if (unknown.length > 0) throw new Error(`unknown entries: ${unknown.map((entry) => entry.join(' ')).join('; ')}`);
const acls = entries.filter(([kind]) => kind === 'allow').flatMap(aclsOf);
const bad = acls.find((acl) => Object.values(acl).some((value) => value === undefined));
if (bad) throw new Error(`an ACL names an unknown type, pattern or operation: ${JSON.stringify(bad)}`);

const kafka = new Kafka({
  clientId: 'grant-access',
  brokers: process.env.KAFKA_BROKERS.split(','),
  sasl: { mechanism: 'scram-sha-512', username: 'admin', password: process.env.KAFKA_SASL_ADMIN_PASSWORD },
  logLevel: logLevel.ERROR,
});
const admin = kafka.admin();
await admin.connect();
try {
  const existing = new Set(await admin.listTopics());
  const topics = entries
    .filter(([kind, name]) => kind === 'topic' && !existing.has(name))
    .map(([, topic, partitions]) => ({ topic, numPartitions: Number(partitions) }));
  if (topics.length > 0) await admin.createTopics({ topics, waitForLeaders: true });
  await admin.createAcls({ acl: acls });
} finally {
  await admin.disconnect();
}
