import type { InboundMessage, OutboundMessage } from './event-broker';

/** Whatever the poison carried, its copy's key and headers stay this small (bytes). */
export const MAX_DEAD_LETTER_KEY_BYTES = 1024;
export const MAX_DEAD_LETTER_HEADER_BYTES = 1024;
export const MAX_DEAD_LETTER_HEADERS_BYTES = 16 * 1024;

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
  // A key of invalid UTF-8 comes decoded with replacement characters, three bytes each for one.
  const key = cutUtf8(message.key ?? '', MAX_DEAD_LETTER_KEY_BYTES);
  const { kept, dropped } = boundedHeaders(message.headers);
  return {
    key,
    value: truncated ? value.subarray(0, MAX_DEAD_LETTER_VALUE_BYTES) : value,
    headers: {
      ...kept,
      ...(key !== (message.key ?? '') ? { 'dlq-key-truncated': 'true' } : {}),
      ...(dropped > 0 ? { 'dlq-headers-cut': String(dropped) } : {}),
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

/** At most `limit` bytes of the text, cut on a character boundary. */
function cutUtf8(text: string, limit: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= limit) return text;
  return bytes
    .subarray(0, limit)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
}

/** The original headers, each cut and all together bounded; how many were cut or left out. */
function boundedHeaders(headers: Record<string, string>): { kept: Record<string, string>; dropped: number } {
  const kept: Record<string, string> = {};
  let total = 0;
  let dropped = 0;
  for (const [name, value] of Object.entries(headers)) {
    const [cutName, cutValue] = [cutUtf8(name, 256), cutUtf8(value, MAX_DEAD_LETTER_HEADER_BYTES)];
    const size = Buffer.byteLength(cutName) + Buffer.byteLength(cutValue);
    if (cutName !== name || cutValue !== value || total + size > MAX_DEAD_LETTER_HEADERS_BYTES) dropped++;
    if (total + size > MAX_DEAD_LETTER_HEADERS_BYTES) continue;
    kept[cutName] = cutValue;
    total += size;
  }
  return { kept, dropped };
}
