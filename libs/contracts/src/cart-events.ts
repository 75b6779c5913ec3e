import { z } from 'zod';
import {
  MAX_CART_LINES,
  MAX_CART_VERSION,
  MAX_LINE_QUANTITY,
  MAX_OWNER_LENGTH,
  OWNER_PATTERN,
  SKU_PATTERN,
} from './cart-rules';

export const CART_EVENTS_TOPIC = 'cart.events';
export const CART_EVENTS_DEAD_LETTER_TOPIC = 'cart.events.dlq';
/** The dead-letter topic that goes with an events topic (tests give each run topics of its own). */
export const deadLetterTopicOf = (topic: string): string => `${topic}.dlq`;
/** Several partitions so Cart-Query scales out by consumer group; key = cartId keeps one cart's order. */
export const CART_EVENTS_PARTITIONS = 3;
export const CART_EVENT_SCHEMA_VERSION = 1;

/** The topics the services create at start when missing: the events and their dead letters. */
export function cartEventTopics(topic: string = CART_EVENTS_TOPIC): Array<{ name: string; partitions: number }> {
  return [
    { name: topic, partitions: CART_EVENTS_PARTITIONS },
    { name: deadLetterTopicOf(topic), partitions: 1 },
  ];
}

const sku = z.string().regex(SKU_PATTERN);
const lineQuantity = z.number().int().min(1).max(MAX_LINE_QUANTITY);

const envelope = {
  eventId: z.string().uuid(),
  cartId: z.string().uuid(),
  version: z.number().int().min(0).max(MAX_CART_VERSION),
  occurredAt: z.string().datetime({ offset: true }),
  schemaVersion: z.literal(CART_EVENT_SCHEMA_VERSION),
};

const owner = z.string().min(1).max(MAX_OWNER_LENGTH).regex(OWNER_PATTERN);

/** The owner travels with the cart so the read side enforces access without asking the write side. */
const cartCreated = z
  .object({ ...envelope, type: z.literal('CartCreated'), version: z.literal(0), payload: z.object({ owner }).strict() })
  .strict();

/** Carries the resulting line quantity too, so the read model sets state instead of adding deltas. */
const itemAdded = z
  .object({
    ...envelope,
    type: z.literal('ItemAdded'),
    payload: z.object({ sku, quantity: lineQuantity, lineQuantity }).strict(),
  })
  .strict();

/** quantity 0 removes the line. */
const itemQuantitySet = z
  .object({
    ...envelope,
    type: z.literal('ItemQuantitySet'),
    payload: z.object({ sku, quantity: z.number().int().min(0).max(MAX_LINE_QUANTITY) }).strict(),
  })
  .strict();

const itemRemoved = z
  .object({ ...envelope, type: z.literal('ItemRemoved'), payload: z.object({ sku }).strict() })
  .strict();

/** Every line goes in one change; a cart with no lines is not cleared (no event). */
const cartCleared = z.object({ ...envelope, type: z.literal('CartCleared'), payload: z.object({}).strict() }).strict();

/**
 * A cart's whole state at its current version, sent to repair a read model (it changes nothing on
 * the write side, so it takes no new version). A reader treats it as authoritative: its view
 * becomes exactly this, whatever it held before.
 */
const cartSnapshot = z
  .object({
    ...envelope,
    type: z.literal('CartSnapshot'),
    payload: z
      .object({
        owner,
        lines: z
          .array(z.object({ sku, quantity: lineQuantity }).strict())
          .max(MAX_CART_LINES)
          .refine((lines) => new Set(lines.map((line) => line.sku)).size === lines.length, 'a sku appears twice'),
        /** The cart's own updatedAt: when its last change happened, not when the snapshot was taken. */
        updatedAt: z.string().datetime({ offset: true }),
      })
      .strict(),
  })
  .strict();

export const cartEventSchema = z.discriminatedUnion('type', [
  cartCreated,
  itemAdded,
  itemQuantitySet,
  itemRemoved,
  cartCleared,
  cartSnapshot,
]);

/** Events that carry a cart's whole state: they apply over whatever a view holds. */
export const isAuthoritative = (event: Pick<CartEvent, 'type'>): boolean => event.type === 'CartSnapshot';

export type CartEvent = z.infer<typeof cartEventSchema>;
export type CartEventType = CartEvent['type'];
/** Read off the schema, so a type added to the union is known everywhere at once. */
export const CART_EVENT_TYPES: readonly CartEventType[] = [...cartEventSchema.optionsMap.keys()] as CartEventType[];
export type CartEventOf<T extends CartEventType> = Extract<CartEvent, { type: T }>;
