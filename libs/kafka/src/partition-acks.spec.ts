import { Partitioners, type PartitionMetadata, type RecordMetadata } from 'kafkajs';
import { groupByPartition, unacknowledged } from './partition-acks';

function partitions(count: number): PartitionMetadata[] {
  return Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: partitionId + 1,
    replicas: [partitionId + 1],
    isr: [partitionId + 1],
  }));
}

function ack(topicName: string, partition: number, errorCode = 0): RecordMetadata {
  return { topicName, partition, errorCode, baseOffset: '0' };
}

describe('groupByPartition', () => {
  const metadata = partitions(3);
  const messages = Array.from({ length: 60 }, (_, i) => ({ key: `cart-${i}`, value: String(i) }));

  it('puts each key where kafkajs would, as any other producer of the topic does', () => {
    const kafkajs = Partitioners.DefaultPartitioner();
    const groups = groupByPartition('t', metadata, messages);
    for (const [partition, group] of groups) {
      for (const message of group) {
        expect(kafkajs({ topic: 't', partitionMetadata: metadata, message })).toBe(partition);
      }
    }
    expect([...groups.keys()].sort()).toEqual([0, 1, 2]);
  });

  it('keeps every message once, in the given order within its partition', () => {
    const groups = groupByPartition('t', metadata, messages);
    const flattened = [...groups.values()].flat();
    expect(flattened).toHaveLength(messages.length);
    for (const group of groups.values()) {
      expect(group.map((m) => Number(m.value))).toEqual([...group.map((m) => Number(m.value))].sort((a, b) => a - b));
    }
  });

  it('sends one key to one partition, whichever messages come with it', () => {
    const alone = groupByPartition('t', metadata, [{ key: 'cart-7', value: '7' }]);
    const together = groupByPartition('t', metadata, messages);
    const [partition] = [...alone.keys()];
    expect(together.get(partition)?.some((m) => m.key === 'cart-7')).toBe(true);
  });
});

describe('unacknowledged', () => {
  const groups = new Map([
    [0, ['a']],
    [1, ['b']],
    [2, ['c']],
  ]);

  it('is empty when every partition sent to was acknowledged', () => {
    expect(unacknowledged('t', groups, [ack('t', 0), ack('t', 1), ack('t', 2)]).size).toBe(0);
  });

  it('keeps a partition the result says nothing of, as kafkajs#1303 resolves after a failover', () => {
    expect([...unacknowledged('t', groups, [ack('t', 0), ack('t', 2)])]).toEqual([[1, ['b']]]);
  });

  it('counts neither an error nor another topic’s partition as an acknowledgement', () => {
    expect([...unacknowledged('t', groups, [ack('t', 0), ack('t', 1, 6), ack('other', 2)]).keys()]).toEqual([1, 2]);
  });
});
