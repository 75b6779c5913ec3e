/** How far a consumer group trails one partition of a topic, in messages. */
export interface PartitionLag {
  partition: number;
  lag: number;
}

/** A partition's offsets as the broker reports them; Kafka spells offsets as decimal strings. */
export interface PartitionWatermarks {
  partition: number;
  low: string;
  high: string;
}

export interface CommittedOffset {
  partition: number;
  /** "-1" when the group has committed nothing on the partition. */
  offset: string;
}

/**
 * Lag = messages the group has still to consume: high watermark − committed offset. With nothing
 * committed, or a committed offset that retention has since deleted past, the group starts from
 * the low watermark, so only what is still on the log counts.
 */
export function consumerLag(watermarks: PartitionWatermarks[], committed: CommittedOffset[]): PartitionLag[] {
  const committedBy = new Map(committed.map((entry) => [entry.partition, BigInt(entry.offset)]));
  return watermarks
    .map(({ partition, low, high }) => {
      const start = maxOf(committedBy.get(partition) ?? -1n, BigInt(low));
      return { partition, lag: Number(maxOf(BigInt(high) - start, 0n)) };
    })
    .sort((a, b) => a.partition - b.partition);
}

function maxOf(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
