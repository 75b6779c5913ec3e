/** One message to publish, as the writing transaction records it. */
export interface OutboxMessage {
  topic: string;
  key: string;
  /** The message value; stored as JSON and published as its JSON text. */
  payload: object;
  headers?: Record<string, string>;
}

/** Channel on which a writer tells relays in other processes that rows were committed. */
export const OUTBOX_NOTIFY_CHANNEL = 'outbox_committed';

/** The header carrying the publishing relay's fencing token (its term's epoch), on every message it sends. */
export const RELAY_EPOCH_HEADER = 'converge-relay-epoch';
