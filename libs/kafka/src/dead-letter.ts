import type { InboundMessage, OutboundMessage } from './event-broker';

/**
 * Leaves room under the broker's default 1 MiB message limit for the key and the dlq-* headers:
 * a poison message that only just fit on its topic must still fit on the dead-letter topic, or
 * publishing it fails forever and its partition stalls behind it.
 */
export const MAX_DEAD_LETTER_VALUE_BYTES = 960 * 1024;

/**
 * A message that can never be processed, re-addressed to a dead-letter topic with why and where
 * it came from, so its partition keeps flowing and someone can still inspect it.
 */
export function toDeadLetter(topic: string, message: InboundMessage, reason: string, detail: string): OutboundMessage {
  // The bytes as they came: a poison message need not be valid UTF-8.
  const value = message.value ?? Buffer.alloc(0);
  const truncated = value.length > MAX_DEAD_LETTER_VALUE_BYTES;
  return {
    key: message.key ?? '',
    value: truncated ? value.subarray(0, MAX_DEAD_LETTER_VALUE_BYTES) : value,
    headers: {
      ...message.headers,
      'dlq-reason': reason,
      'dlq-detail': detail.slice(0, 500),
      'dlq-original-topic': topic,
      'dlq-original-partition': String(message.partition),
      'dlq-original-offset': message.offset,
      'dlq-original-bytes': String(value.length),
      ...(truncated ? { 'dlq-truncated': 'true' } : {}),
      'dlq-failed-at': new Date().toISOString(),
    },
  };
}
