import type { InboundMessage, OutboundMessage } from './event-broker';

/**
 * A message that can never be processed, re-addressed to a dead-letter topic with why and where
 * it came from, so its partition keeps flowing and someone can still inspect it.
 */
export function toDeadLetter(topic: string, message: InboundMessage, reason: string, detail: string): OutboundMessage {
  return {
    key: message.key ?? '',
    // The bytes as they came: a poison message need not be valid UTF-8.
    value: message.value ?? Buffer.alloc(0),
    headers: {
      ...message.headers,
      'dlq-reason': reason,
      'dlq-detail': detail.slice(0, 500),
      'dlq-original-topic': topic,
      'dlq-original-partition': String(message.partition),
      'dlq-original-offset': message.offset,
      'dlq-failed-at': new Date().toISOString(),
    },
  };
}
