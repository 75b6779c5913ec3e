import { randomUUID } from 'node:crypto';
import { SessionTokenCodec } from '@converge/session-token';
import type { CartAnswer, CartClient } from '../../support/cart-client';
import type { Item, Operation, ReadOperation, WriteAction, WriteOperation, WriteOutcome } from './history';

/** A service instance the clients call: a label for the history, and its client. */
export interface Endpoint {
  name: string;
  client: CartClient;
}

export interface RecorderOptions {
  /** Decodes the tokens, to record what each read required and what its answer covers. */
  sessionTokenSecret?: string;
  /** A call not answered within this is recorded as unanswered (its request may still land). */
  timeoutMs?: number;
  /**
   * Every write carries an Idempotency-Key, and a call left unanswered (no answer, a 5xx, a 408)
   * is made again with the same key, through these instances in turn, until one answers or
   * `forMs` has passed: a write is then recorded once, with the answer it finally got.
   */
  retryUnanswered?: { through: () => Endpoint[]; forMs?: number };
}

/** How long a client waits before it retries an unanswered write. */
const RETRY_PAUSE_MS = 100;

type Answer = { answer?: CartAnswer; error?: string };

class CallTimeout extends Error {}

/**
 * Wraps CartClient calls and logs every operation with its client-side start and end (ms since
 * the recorder was made). Never throws for a failed call: the failure is part of the history.
 */
export class Recorder {
  readonly operations: Operation[] = [];
  private readonly origin = performance.now();
  private readonly codec?: SessionTokenCodec;
  private readonly timeoutMs: number;
  /** @internal */
  readonly retry?: RecorderOptions['retryUnanswered'];

  constructor(options: RecorderOptions = {}) {
    this.codec = options.sessionTokenSecret ? new SessionTokenCodec(options.sessionTokenSecret) : undefined;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retry = options.retryUnanswered;
  }

  /** Milliseconds since the recorder was made: the history's clock. */
  now(): number {
    return performance.now() - this.origin;
  }

  session(name: string): RecordedSession {
    return new RecordedSession(this, name);
  }

  get writes(): WriteOperation[] {
    return this.operations.filter((op): op is WriteOperation => op.type === 'write');
  }

  get reads(): ReadOperation[] {
    return this.operations.filter((op): op is ReadOperation => op.type === 'read');
  }

  /** The version of `cartId` a token requires; undefined when it names no such cart or cannot be read. */
  requiredBy(token: string | undefined, cartId: string): number | undefined {
    if (!token || !this.codec || !cartId) return undefined;
    try {
      return this.codec.decode(token).minVersion(cartId);
    } catch {
      return undefined;
    }
  }

  /** @internal Reserves the operation's index at invocation, so the history is in call order. */
  begin<T extends Operation>(op: Omit<T, 'index' | 'start' | 'end'>): T {
    const started = {
      ...op,
      index: this.operations.length,
      start: this.now(),
      end: Number.NaN,
      wallStart: Date.now(),
    } as T;
    this.operations.push(started);
    return started;
  }

  /** @internal */
  async call(work: () => Promise<CartAnswer>): Promise<Answer> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CallTimeout(`timeout after ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      return { answer: await Promise.race([work(), timeout]) };
    } catch (error) {
      return { error: errorCode(error) };
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * One client: calls one after another, each carrying the latest token the session received
 * (from a write or a read), so it should read its own writes and never go back in time.
 */
export class RecordedSession {
  /** The latest token received. */
  token?: string;

  constructor(
    private readonly recorder: Recorder,
    readonly name: string,
  ) {}

  async createCart(endpoint: Endpoint): Promise<WriteOperation> {
    return this.write(endpoint, 'create', '', undefined, (to, token, key) => to.client.createCart(token, key));
  }

  async addItem(endpoint: Endpoint, cartId: string, sku: string, quantity: number): Promise<WriteOperation> {
    return this.write(endpoint, 'add-item', cartId, { sku, quantity }, (to, token, key) =>
      to.client.addItem(cartId, sku, quantity, token, key),
    );
  }

  async setQuantity(endpoint: Endpoint, cartId: string, sku: string, quantity: number): Promise<WriteOperation> {
    return this.write(endpoint, 'set-quantity', cartId, { sku, quantity }, (to, token, key) =>
      to.client.setQuantity(cartId, sku, quantity, token, key),
    );
  }

  async removeItem(endpoint: Endpoint, cartId: string, sku: string): Promise<WriteOperation> {
    return this.write(endpoint, 'remove-item', cartId, { sku }, (to, token, key) =>
      to.client.removeItem(cartId, sku, token, key),
    );
  }

  async clearCart(endpoint: Endpoint, cartId: string): Promise<WriteOperation> {
    return this.write(endpoint, 'clear', cartId, undefined, (to, token, key) =>
      to.client.clearCart(cartId, token, key),
    );
  }

  /** A read of the read model (Cart-Query) with the session's token, and a staleness bound if given. */
  async read(endpoint: Endpoint, cartId: string, maxStalenessMs?: number): Promise<ReadOperation> {
    const tokenSent = this.token;
    const op = this.recorder.begin<ReadOperation>({
      type: 'read',
      session: this.name,
      cartId,
      instance: endpoint.name,
      tokenSent,
      required: this.recorder.requiredBy(tokenSent, cartId),
      maxStalenessMs,
    });
    const { answer, error } = await this.recorder.call(() =>
      maxStalenessMs === undefined
        ? endpoint.client.getCart(cartId, tokenSent)
        : endpoint.client.getCartWithin(cartId, maxStalenessMs, tokenSent),
    );
    this.settle(op, answer, error);
    if (answer?.status === 200) op.covered = this.recorder.requiredBy(answer.token, cartId);
    const asOf = answer?.headers.get('x-consistent-as-of');
    if (asOf) op.consistentAsOf = Date.parse(asOf);
    return op;
  }

  private async write(
    endpoint: Endpoint,
    action: WriteAction,
    cartId: string,
    request: WriteOperation['request'],
    send: (to: Endpoint, token?: string, key?: string) => Promise<CartAnswer>,
  ): Promise<WriteOperation> {
    const tokenSent = this.token;
    const { retry } = this.recorder;
    const op = this.recorder.begin<WriteOperation>({
      type: 'write',
      action,
      session: this.name,
      cartId,
      instance: endpoint.name,
      request,
      tokenSent,
      outcome: 'unknown',
      ...(retry ? { key: randomUUID(), attempts: 0 } : {}),
    });
    const deadline = this.recorder.now() + (retry?.forMs ?? 60_000);
    let to = endpoint;
    for (;;) {
      if (op.attempts !== undefined) op.attempts += 1;
      const { answer, error } = await this.recorder.call(() => send(to, tokenSent, op.key));
      const answered = answer !== undefined && outcomeOf(answer.status, undefined) !== 'unknown';
      if (!retry || answered || this.recorder.now() >= deadline) {
        this.settle(op, answer, error);
        op.outcome = outcomeOf(answer?.status, error);
        // Retried until the deadline and still refused: it may have landed on an earlier attempt.
        if (retry && !answered && op.attempts! > 1) op.outcome = 'unknown';
        return op;
      }
      await pause(RETRY_PAUSE_MS);
      to = nextOf(retry.through(), to);
    }
  }

  private settle(op: Operation, answer: CartAnswer | undefined, error: string | undefined): void {
    op.end = this.recorder.now();
    op.wallEnd = Date.now();
    if (!answer) {
      op.error = error;
      return;
    }
    op.status = answer.status;
    op.tokenReceived = answer.token;
    if (answer.status >= 200 && answer.status < 300 && answer.body) {
      op.version = answer.body.version;
      op.items = answer.body.items.map((item: Item) => ({ sku: item.sku, quantity: item.quantity }));
      if (!op.cartId) op.cartId = answer.body.id;
      if (answer.token) this.token = answer.token;
    }
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The instance after `current` in the list, by name (the first when `current` is gone). */
function nextOf(endpoints: Endpoint[], current: Endpoint): Endpoint {
  if (endpoints.length === 0) return current;
  const index = endpoints.findIndex((endpoint) => endpoint.name === current.name);
  return endpoints[(index + 1) % endpoints.length];
}

/** A rejection (4xx) writes nothing, and a refused connection never reached a server. */
function outcomeOf(status: number | undefined, error: string | undefined): WriteOutcome {
  if (status !== undefined) {
    if (status >= 200 && status < 300) return 'ok';
    if (status >= 400 && status < 500 && status !== 408) return 'failed';
    return 'unknown';
  }
  return error === 'ECONNREFUSED' ? 'failed' : 'unknown';
}

/** Duck-typed: errors from fetch come from outside Jest's realm, so `instanceof Error` fails. */
function errorCode(error: unknown): string {
  if (error instanceof CallTimeout) return 'timeout';
  const { message, cause } = (error ?? {}) as { message?: string; cause?: { code?: string; message?: string } };
  return cause?.code ?? cause?.message ?? message ?? String(error);
}
