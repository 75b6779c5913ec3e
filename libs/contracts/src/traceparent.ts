import { randomBytes } from 'node:crypto';

/** W3C trace context header, carried from the HTTP request through the outbox into Kafka headers. */
export const TRACEPARENT_HEADER = 'traceparent';
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export function isTraceparent(value: unknown): value is string {
  return typeof value === 'string' && TRACEPARENT.test(value) && !/^00-0{32}-/.test(value) && !/-0{16}-/.test(value);
}

/** A new span: continues the caller's trace when it sent a valid traceparent, else starts one. */
export function childTraceparent(parent?: unknown): string {
  const traceId = isTraceparent(parent) ? parent.slice(3, 35) : randomBytes(16).toString('hex');
  return `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
}

export function traceIdOf(traceparent: string | undefined): string | undefined {
  return isTraceparent(traceparent) ? traceparent.slice(3, 35) : undefined;
}
