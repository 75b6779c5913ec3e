import type { Operation } from '../history/history';
import type { Endpoint, Recorder } from '../history/recorder';

export interface LoadOptions {
  recorder: Recorder;
  cartIds: string[];
  /** How many clients, each one session passing its tokens along. */
  clients: number;
  /** The Cart instances now: client i writes through writers()[i % n]. Read at every call. */
  writers: () => Endpoint[];
  /** The Cart-Query instances now: each read goes to one of them at random. */
  readers: () => Endpoint[];
  /** Share of writes among the operations; the rest are reads with the session's token. */
  writeShare?: number;
  /** Share of clears among the writes; the rest are add-item. */
  clearShare?: number;
  /** Half the reads ask for one of these Max-Staleness bounds (ms), at random; none when absent. */
  maxStalenessMs?: number[];
  /** Each client pauses a random 0…this many ms between its operations: the load's pace. */
  pauseMs?: number;
  skus?: string[];
}

const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)];
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Clients writing (add-item of 1–3 of a few skus, now and then a clear) and reading (Cart-Query,
 * with the session's token) on shared carts until stopped. Half the reads go to the cart the client wrote last, so
 * read-your-writes is asked for right after the write. Every call is recorded.
 */
export class Load {
  private stopping = false;
  private readonly clients: Promise<void>[];
  readonly startedAt: number;
  stoppedAt?: number;

  private constructor(private readonly options: LoadOptions) {
    this.startedAt = options.recorder.now();
    this.clients = Array.from({ length: options.clients }, (_, i) => this.client(i));
  }

  static start(options: LoadOptions): Load {
    return new Load(options);
  }

  /** Stops issuing, and resolves once every client's call in flight has settled. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.clients);
    this.stoppedAt ??= this.options.recorder.now();
  }

  private async client(index: number): Promise<void> {
    const { recorder, cartIds, writers, readers } = this.options;
    const session = recorder.session(`client-${index}`);
    const skus = this.options.skus ?? ['apple', 'pear', 'plum', 'fig'];
    const writeShare = this.options.writeShare ?? 0.5;
    const clearShare = this.options.clearShare ?? 0.05;
    const pauseMs = this.options.pauseMs ?? 20;
    let lastWritten: string | undefined;
    while (!this.stopping) {
      let op: Operation;
      if (Math.random() < writeShare) {
        const instances = writers();
        const cartId = pick(cartIds);
        const quantity = 1 + Math.floor(Math.random() * 3);
        const writer = instances[index % instances.length];
        op =
          Math.random() < clearShare
            ? await session.clearCart(writer, cartId)
            : await session.addItem(writer, cartId, pick(skus), quantity);
        lastWritten = cartId;
      } else {
        const cartId = lastWritten && Math.random() < 0.5 ? lastWritten : pick(cartIds);
        const bounds = this.options.maxStalenessMs ?? [];
        const bound = bounds.length > 0 && Math.random() < 0.5 ? pick(bounds) : undefined;
        op = await session.read(pick(readers()), cartId, bound);
      }
      // A client that got no answer waits a little longer before its next call.
      await pause(Math.random() * pauseMs + (op.status === undefined ? 100 : 0));
    }
  }
}
