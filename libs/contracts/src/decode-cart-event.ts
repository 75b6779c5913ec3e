import { CART_EVENT_SCHEMA_VERSION, CART_EVENT_TYPES, type CartEvent, cartEventSchema } from './cart-events';

export type PoisonReason = 'empty' | 'not-json' | 'unknown-type' | 'unsupported-schema-version' | 'schema-violation';

export type DecodedCartEvent = { ok: true; event: CartEvent } | { ok: false; reason: PoisonReason; detail: string };

function poison(reason: PoisonReason, detail: string): DecodedCartEvent {
  return { ok: false, reason, detail: detail.slice(0, 500) };
}

/** Checks a consumed message against the contract; anything that fails is poison, never a crash. */
export function decodeCartEvent(value: Buffer | null): DecodedCartEvent {
  if (value === null || value.length === 0) return poison('empty', 'message has no value');
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (error) {
    return poison('not-json', error instanceof Error ? error.message : 'unparseable');
  }
  const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
  if (!CART_EVENT_TYPES.includes(type as CartEvent['type']))
    return poison('unknown-type', `type ${JSON.stringify(type)}`);
  const schemaVersion = (json as { schemaVersion?: unknown }).schemaVersion;
  if (schemaVersion !== CART_EVENT_SCHEMA_VERSION) {
    return poison('unsupported-schema-version', `schemaVersion ${JSON.stringify(schemaVersion)}`);
  }
  const parsed = cartEventSchema.safeParse(json);
  if (!parsed.success) {
    return poison('schema-violation', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  return { ok: true, event: parsed.data };
}
