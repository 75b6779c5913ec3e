import type { OutboundMessage } from './event-broker';

/**
 * What one send may carry to one partition: the broker refuses a record batch over its
 * message.max.bytes (1 MiB by default) and a send that failed so fails again forever, stalling
 * the outbox or the partition behind it. A margin is left for the batch's own framing.
 */
export const MAX_SEND_BYTES_PER_PARTITION = 768 * 1024;

/** A record's own overhead in a batch, beyond its key, value and headers (varints, offsets, CRC share). */
const RECORD_OVERHEAD_BYTES = 32;

export function messageBytes(message: OutboundMessage): number {
  let bytes = RECORD_OVERHEAD_BYTES + Buffer.byteLength(message.key ?? '');
  bytes += message.value === null ? 0 : Buffer.byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  }
  return bytes;
}

/**
 * Splits each partition's messages, in order, into sends that stay under the limit; the k-th
 * send carries the k-th slice of every partition, so the sends, made one after the other, keep
 * each partition's order. A message over the limit alone goes in a send of its own.
 */
export function byteBoundedSends<M extends OutboundMessage>(
  groups: Map<number, M[]>,
  limit = MAX_SEND_BYTES_PER_PARTITION,
): Array<Map<number, M[]>> {
  const sends: Array<Map<number, M[]>> = [];
  for (const [partition, messages] of groups) {
    slices(messages, limit).forEach((slice, index) => {
      sends[index] ??= new Map();
      sends[index].set(partition, slice);
    });
  }
  return sends;
}

function slices<M extends OutboundMessage>(messages: M[], limit: number): M[][] {
  const result: M[][] = [];
  let current: M[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = messageBytes(message);
    if (current.length > 0 && bytes + size > limit) {
      result.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) result.push(current);
  return result;
}
