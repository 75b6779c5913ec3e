import fc from 'fast-check';
import type { IHeaders } from 'kafkajs';
import { decodeCartEvent } from '@converge/contracts';

/**
 * Arbitraries for what a broken or hostile producer puts on the events topic. A message is
 * described before the run's cart exists, and made concrete for that cart, so a failing case
 * shrinks to the same bytes whichever cart it lands on.
 */

/** Who the message claims to be about: `own` keys land on the cart's partition, in its order. */
export type KeySpec =
  | { kind: 'null' }
  | { kind: 'empty' }
  | { kind: 'own' }
  | { kind: 'own-upper' }
  | { kind: 'other-cart'; cartId: string }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: Uint8Array };

/** The value, as bytes or as a tampered copy of one of the cart's valid events. */
export type ValueSpec =
  | { kind: 'tombstone' }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'text'; text: string }
  | { kind: 'tampered'; field: string; replacement: unknown; remove: boolean }
  | { kind: 'truncated'; keep: number }
  | { kind: 'event-of-another-cart'; cartId: string };

export interface PoisonSpec {
  key: KeySpec;
  value: ValueSpec;
  headers: IHeaders;
}

export interface PoisonMessage {
  key: Buffer | string | null;
  value: Buffer | null;
  headers: IHeaders;
}

const keySpec: fc.Arbitrary<KeySpec> = fc.oneof(
  { arbitrary: fc.constant<KeySpec>({ kind: 'own' }), weight: 6 },
  { arbitrary: fc.constant<KeySpec>({ kind: 'own-upper' }), weight: 1 },
  { arbitrary: fc.constant<KeySpec>({ kind: 'null' }), weight: 1 },
  { arbitrary: fc.constant<KeySpec>({ kind: 'empty' }), weight: 1 },
  { arbitrary: fc.uuid().map((cartId): KeySpec => ({ kind: 'other-cart', cartId })), weight: 1 },
  {
    arbitrary: fc.string({ unit: 'binary', maxLength: 80 }).map((text): KeySpec => ({ kind: 'text', text })),
    weight: 1,
  },
  { arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes): KeySpec => ({ kind: 'bytes', bytes })), weight: 1 },
);

/** JSON values that break one field of an event: wrong type, out of range, or no longer a UUID. */
const hostileJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    -1,
    1.5,
    2 ** 31,
    Number.MAX_SAFE_INTEGER,
    '',
    'one',
    '0',
    'ItemStolen',
    'itemadded',
    'not-a-uuid',
    '2026-13-45T99:99:99Z',
    1001,
    0,
    2,
    'a b',
    'x'.repeat(65),
    [],
    {},
    { extra: true },
  ),
  fc.jsonValue({ maxDepth: 2 }),
);

const EVENT_FIELDS = [
  'eventId',
  'type',
  'cartId',
  'version',
  'occurredAt',
  'schemaVersion',
  'payload',
  'payload.sku',
  'payload.quantity',
  'payload.lineQuantity',
  'unexpected',
  'payload.unexpected',
];

const valueSpec: fc.Arbitrary<ValueSpec> = fc.oneof(
  { arbitrary: fc.constant<ValueSpec>({ kind: 'tombstone' }), weight: 1 },
  { arbitrary: fc.uint8Array({ maxLength: 512 }).map((bytes): ValueSpec => ({ kind: 'bytes', bytes })), weight: 2 },
  // Rarely large: the dead letter carries the same bytes, so its topic must take them too.
  {
    arbitrary: fc
      .integer({ min: 64 * 1024, max: 256 * 1024 })
      .map((size): ValueSpec => ({ kind: 'bytes', bytes: new Uint8Array(size).fill(0x7b) })),
    weight: 1,
  },
  { arbitrary: fc.json({ maxDepth: 3 }).map((text): ValueSpec => ({ kind: 'text', text })), weight: 2 },
  {
    arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((text): ValueSpec => ({ kind: 'text', text })),
    weight: 1,
  },
  {
    arbitrary: fc
      .record({ field: fc.constantFrom(...EVENT_FIELDS), replacement: hostileJsonValue, remove: fc.boolean() })
      .map((tamper): ValueSpec => ({ kind: 'tampered', ...tamper })),
    weight: 4,
  },
  { arbitrary: fc.nat().map((keep): ValueSpec => ({ kind: 'truncated', keep })), weight: 1 },
  { arbitrary: fc.uuid().map((cartId): ValueSpec => ({ kind: 'event-of-another-cart', cartId })), weight: 1 },
);

const headerValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
  fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
);

/** Headers of any name, including the ones the dead letter itself writes and the trace context. */
const headers: fc.Arbitrary<IHeaders> = fc.dictionary(
  fc.oneof(
    fc.constantFrom('dlq-reason', 'dlq-original-topic', 'dlq-original-offset', 'traceparent', ''),
    fc.string({ unit: 'binary', maxLength: 20 }),
  ),
  headerValue,
  { maxKeys: 4 },
);

export const poisonSpec: fc.Arbitrary<PoisonSpec> = fc.record({ key: keySpec, value: valueSpec, headers });

function keyFor(spec: KeySpec, cartId: string): Buffer | string | null {
  switch (spec.kind) {
    case 'null':
      return null;
    case 'empty':
      return '';
    case 'own':
      return cartId;
    case 'own-upper':
      return cartId.toUpperCase();
    case 'other-cart':
      return spec.cartId;
    case 'text':
      return spec.text;
    case 'bytes':
      return Buffer.from(spec.bytes);
  }
}

/** Sets or removes a dotted field of a copy of the event. */
function tamper(event: object, field: string, replacement: unknown, remove: boolean): object {
  const copy = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
  const path = field.split('.');
  const last = path.pop() as string;
  let target: Record<string, unknown> = copy;
  for (const step of path) {
    const next = target[step];
    if (typeof next !== 'object' || next === null) return copy;
    target = next as Record<string, unknown>;
  }
  if (remove) delete target[last];
  else target[last] = replacement;
  return copy;
}

/**
 * The concrete message for a cart. `template` is one of the cart's valid events (a version the
 * stream has not published), `foreign` a valid event of another cart.
 */
export function poisonFor(
  spec: PoisonSpec,
  cartId: string,
  template: object,
  foreign: (cartId: string) => object,
): PoisonMessage {
  const value = ((): Buffer | null => {
    switch (spec.value.kind) {
      case 'tombstone':
        return null;
      case 'bytes':
        return Buffer.from(spec.value.bytes);
      case 'text':
        return Buffer.from(spec.value.text);
      case 'tampered': {
        const { field, replacement, remove } = spec.value;
        return Buffer.from(JSON.stringify(tamper(template, field, replacement, remove)));
      }
      case 'truncated': {
        const text = JSON.stringify(template);
        return Buffer.from(text.slice(0, spec.value.keep % text.length));
      }
      case 'event-of-another-cart':
        return Buffer.from(JSON.stringify(foreign(spec.value.cartId)));
    }
  })();
  return { key: keyFor(spec.key, cartId), value, headers: spec.headers };
}

/**
 * The consumer's own rule: not a valid event, or keyed by another cart than its own. A tampering
 * that happens to leave a valid event (a new occurredAt that is still a date) is no poison.
 */
export function isPoison(message: PoisonMessage): boolean {
  const decoded = decodeCartEvent(message.value);
  if (!decoded.ok) return true;
  // The consumer reads keys as UTF-8 text, as kafkajs hands them over.
  const key = message.key === null ? null : Buffer.from(message.key).toString('utf8');
  return key?.toLowerCase() !== decoded.event.cartId.toLowerCase();
}
