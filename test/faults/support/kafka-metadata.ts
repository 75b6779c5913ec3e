import { type Admin, ConfigResourceTypes } from 'kafkajs';

/** One partition of a topic as the cluster's metadata describes it now. */
export interface PartitionReplicas {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

const CONSUMER_OFFSETS = '__consumer_offsets';

/** Every partition of the topic: its leader, its replicas and which of them are in sync. */
export async function partitionsOf(admin: Admin, topic: string): Promise<PartitionReplicas[]> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  return topics[0].partitions
    .map(({ partitionId, leader, replicas, isr }) => ({ partition: partitionId, leader, replicas, isr }))
    .sort((a, b) => a.partition - b.partition);
}

/** The topic's effective min.insync.replicas, whether set on the topic or inherited from the brokers. */
export async function minInsyncReplicasOf(admin: Admin, topic: string): Promise<number> {
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['min.insync.replicas'] }],
  });
  const entry = resources[0].configEntries.find((config) => config.configName === 'min.insync.replicas');
  if (!entry) throw new Error(`${topic} reports no min.insync.replicas`);
  return Number(entry.configValue);
}

/** How many of the topic's partitions each broker leads, most first. */
export function leadersByCount(partitions: PartitionReplicas[]): Array<{ broker: number; partitions: number }> {
  const counts = new Map<number, number>();
  for (const { leader } of partitions) if (leader >= 0) counts.set(leader, (counts.get(leader) ?? 0) + 1);
  return [...counts].map(([broker, led]) => ({ broker, partitions: led })).sort((a, b) => b.partitions - a.partitions);
}

/**
 * The broker coordinating the consumer group: the leader of the __consumer_offsets partition the
 * group id hashes to. kafkajs's admin does not say; the broker computes it as
 * `Utils.abs(groupId.hashCode()) % partitions`, with Java's String.hashCode.
 */
export async function groupCoordinatorOf(admin: Admin, groupId: string): Promise<number> {
  const offsets = await partitionsOf(admin, CONSUMER_OFFSETS);
  const partition = javaAbs(javaStringHashCode(groupId)) % offsets.length;
  return offsets[partition].leader;
}

/** Java's String.hashCode: s[0]*31^(n-1) + … + s[n-1] over UTF-16 code units, in 32-bit ints. */
function javaStringHashCode(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash;
}

/** Kafka's Utils.abs: Integer.MIN_VALUE, which has no positive counterpart, is 0. */
function javaAbs(value: number): number {
  return value === -(2 ** 31) ? 0 : Math.abs(value);
}
