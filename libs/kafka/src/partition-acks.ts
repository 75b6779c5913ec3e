import { Partitioners, type PartitionMetadata, type RecordMetadata } from 'kafkajs';

/**
 * kafkajs's own key hashing (Java-compatible murmur2), so a key lands where any other producer
 * of the topic puts it. It only reads the partition count when the message has a key.
 */
const defaultPartitioner = Partitioners.DefaultPartitioner();

/** The partition a key hashes to, as groupByPartition places it. */
export function partitionOfKey(topic: string, partitionMetadata: PartitionMetadata[], key: string): number {
  return defaultPartitioner({ topic, partitionMetadata, message: { key, value: null } });
}

/** Messages by the partition their key hashes to, each partition's in the order given. */
export function groupByPartition<M extends { key: string; value: string | Buffer | null }>(
  topic: string,
  partitionMetadata: PartitionMetadata[],
  messages: M[],
): Map<number, M[]> {
  const groups = new Map<number, M[]>();
  for (const message of messages) {
    const partition = partitionOfKey(topic, partitionMetadata, message.key);
    const group = groups.get(partition);
    if (group) group.push(message);
    else groups.set(partition, [message]);
  }
  return groups;
}

/**
 * The groups whose partition the send's result does not acknowledge. kafkajs 2.2.4 can resolve a
 * send that never wrote a partition (tulios/kafkajs#1303): when a leader dies mid-send, its
 * retry keeps the first answers of the brokers that had answered, and skips those brokers even
 * when the dead leader's partitions have moved to them.
 */
export function unacknowledged<M>(topic: string, groups: Map<number, M[]>, acks: RecordMetadata[]): Map<number, M[]> {
  const acknowledged = new Set(
    acks.filter((ack) => ack.topicName === topic && ack.errorCode === 0).map((ack) => ack.partition),
  );
  return new Map([...groups].filter(([partition]) => !acknowledged.has(partition)));
}
