/**
 * A history of client operations against Cart and Cart-Query, as the clients saw them: what was
 * asked, when (client clock, ms), of which instance, and what came back. The Checker judges it.
 */
export interface Item {
  sku: string;
  quantity: number;
}

/**
 * What a write's answer says about its effect:
 * - `ok`: acknowledged (2xx); it happened, at the version answered;
 * - `failed`: certainly did not happen (a 4xx rejection, or the connection was refused, so the
 *   request never reached a server);
 * - `unknown`: unanswered (a 5xx, a reset connection, a timeout): it may or may not have happened.
 */
export type WriteOutcome = 'ok' | 'failed' | 'unknown';

export type WriteAction = 'create' | 'add-item' | 'set-quantity' | 'remove-item' | 'clear';

interface OperationBase {
  /** Order of invocation in the whole history, from 0. */
  index: number;
  /** A session is one client passing the tokens it receives along to its next call. */
  session: string;
  /** Empty for a create that got no answer. */
  cartId: string;
  /** Which service instance was called (a label, e.g. `cart#1`). */
  instance: string;
  /** Client clock, ms: when the call was made and when its answer (or failure) came. */
  start: number;
  end: number;
  /**
   * The same two instants on the wall clock (Date.now(), epoch ms, floored), which is the clock
   * the watermarks are read from: the database's, on this same machine. Absent in hand-made histories.
   */
  wallStart?: number;
  wallEnd?: number;
  /** HTTP status; undefined when no answer came. */
  status?: number;
  /** Why no answer came (ECONNREFUSED, ECONNRESET, timeout, ...). */
  error?: string;
  /** The cart in the answer of a 200. */
  version?: number;
  items?: Item[];
  /** The session token sent with the call, and the one answered. */
  tokenSent?: string;
  tokenReceived?: string;
}

export interface WriteOperation extends OperationBase {
  type: 'write';
  action: WriteAction;
  /**
   * add-item: sku and quantity added; set-quantity: the quantity set; remove-item: the sku.
   * clear carries none: it answers the cart unchanged, at its version, when it has no lines.
   */
  request?: { sku: string; quantity?: number };
  outcome: WriteOutcome;
  /** The Idempotency-Key every attempt carried, when the client retried unanswered writes. */
  key?: string;
  /** Calls made for this one write: more than 1 when unanswered calls were retried with the key. */
  attempts?: number;
}

export interface ReadOperation extends OperationBase {
  type: 'read';
  /** The version of this cart the token sent requires (undefined: no token, or it names no such cart). */
  required?: number;
  /** The version of this cart the token received requires. */
  covered?: number;
  /** The Max-Staleness the read asked for (ms). */
  maxStalenessMs?: number;
  /** The answer's X-Consistent-As-Of (epoch ms): every write committed before it is in the answer. */
  consistentAsOf?: number;
}

export type Operation = WriteOperation | ReadOperation;

/** One final read of a cart at quiescence. */
export interface Observed {
  status: number;
  version?: number;
  items?: Item[];
}

/** A cart's final state in the write model (Cart GET) and the read model (Cart-Query GET). */
export interface FinalCart {
  cartId: string;
  write: Observed;
  read: Observed;
}

export const isAcknowledged = (op: Operation): op is WriteOperation => op.type === 'write' && op.outcome === 'ok';

/** One line per operation, for violation reports. */
export function describeOperation(op: Operation): string {
  const cart = op.cartId ? op.cartId.slice(0, 8) : '--------';
  const answer =
    op.status === undefined
      ? `no answer (${op.error ?? '?'})`
      : op.version !== undefined
        ? `${op.status} v${op.version} ${describeItems(op.items)}`
        : `${op.status}`;
  const what =
    op.type === 'write'
      ? `${op.action}${op.request ? ` ${op.request.sku}${op.request.quantity !== undefined ? `×${op.request.quantity}` : ''}` : ''} [${op.outcome}]`
      : `read${op.required !== undefined ? ` token≥v${op.required}` : op.tokenSent ? ' token' : ''}` +
        `${op.maxStalenessMs !== undefined ? ` max-staleness ${op.maxStalenessMs} ms` : ''}`;
  const covers =
    (op.type === 'read' && op.covered !== undefined ? ` token→v${op.covered}` : '') +
    (op.type === 'read' && op.consistentAsOf !== undefined
      ? ` as of ${new Date(op.consistentAsOf).toISOString()}`
      : '');
  return `#${op.index} ${op.session} ${cart} @${op.instance} ${what} → ${answer}${covers} (${op.start.toFixed(1)}…${op.end.toFixed(1)} ms)`;
}

export function describeItems(items: Item[] | undefined): string {
  return items ? `[${items.map((item) => `${item.sku}:${item.quantity}`).join(' ')}]` : '[]';
}
