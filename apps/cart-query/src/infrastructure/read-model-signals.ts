import { EventEmitter } from 'node:events';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { backoffDelayMs, delay } from '@converge/backoff';
import type { SqlExecutor } from '@converge/platform';
import { cartQueryConfig, type CartQueryConfig } from '../cart-query.config';

/** Postgres channel on which every instance hears what any instance's consumer applied. */
export const READ_MODEL_CHANNEL = 'cart_views_applied';
// NOTIFY payloads must stay under 8000 bytes; one entry is "uuid:version," (about 45 bytes).
const ENTRIES_PER_NOTIFY = 150;

export type AppliedVersion = readonly [cartId: string, version: number];

/** A cart's view reached a version, as heard on the channel: `at` is when, within a hop of the commit. */
export interface AppliedNotice {
  cartId: string;
  version: number;
  at: string;
}

const EVERY_APPLY = Symbol('every apply');

/**
 * Tells waiting readers that a cart's view reached a version: in-process right after the
 * consumer's commit, and across instances by NOTIFY, delivered only if that commit happens.
 */
@Injectable()
export class ReadModelSignals implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ReadModelSignals');
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private listener?: Client;
  private stopped = false;

  constructor(@Inject(cartQueryConfig.KEY) private readonly config: CartQueryConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.listener?.end().catch(() => undefined);
  }

  /** Inside the applying transaction: other instances hear of it at commit, and only then. */
  async announce(sql: SqlExecutor, versions: AppliedVersion[]): Promise<void> {
    for (let i = 0; i < versions.length; i += ENTRIES_PER_NOTIFY) {
      const payload = versions
        .slice(i, i + ENTRIES_PER_NOTIFY)
        .map(([cartId, version]) => `${cartId}:${version}`)
        .join(',');
      await sql.query('SELECT pg_notify($1, $2)', [READ_MODEL_CHANNEL, payload]);
    }
  }

  /** After the applying transaction committed: wakes this instance's readers at once. */
  applied(versions: AppliedVersion[]): void {
    for (const [cartId, version] of versions) this.emitter.emit(cartId, version);
  }

  /**
   * Resolves true once the cart reaches `minVersion`, false when `timeoutMs` passes first.
   * Register before reading the view, so a change between the read and the wait is not missed.
   */
  reached(cartId: string, minVersion: number, timeoutMs: number): { done: Promise<boolean>; cancel(): void } {
    let cancel = () => undefined as void;
    const done = new Promise<boolean>((resolve) => {
      const onApplied = (version: number) => version >= minVersion && finish(true);
      const timer = setTimeout(() => finish(false), Math.max(0, timeoutMs));
      const finish = (result: boolean) => {
        clearTimeout(timer);
        this.emitter.off(cartId, onApplied);
        resolve(result);
      };
      cancel = () => finish(false);
      this.emitter.on(cartId, onApplied);
    });
    return { done, cancel };
  }

  private async listen(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      const client = new Client({ connectionString: this.config.databaseUrl });
      try {
        await client.connect();
        client.on('notification', (message) => this.onNotification(message.payload));
        client.on('error', (error) => this.onListenerLost(client, error));
        await client.query(`LISTEN ${READ_MODEL_CHANNEL}`);
        this.listener = client;
        return;
      } catch (error) {
        await client.end().catch(() => undefined);
        this.logger.warn(`LISTEN failed (attempt ${attempt + 1}): ${error instanceof Error ? error.message : error}`);
        await delay(backoffDelayMs(attempt));
      }
    }
  }

  private onListenerLost(client: Client, error: Error): void {
    if (this.stopped || this.listener !== client) return;
    this.logger.warn(`LISTEN connection lost, reconnecting: ${error.message}`);
    this.listener = undefined;
    void client.end().catch(() => undefined);
    void this.listen();
  }

  /**
   * Every apply of every instance, in the batches they were committed in; for watchers such as
   * the studio. Returns how to stop listening.
   */
  watch(listener: (notices: AppliedNotice[]) => void): () => void {
    this.emitter.on(EVERY_APPLY, listener);
    return () => this.emitter.off(EVERY_APPLY, listener);
  }

  private onNotification(payload: string | undefined): void {
    const at = new Date().toISOString();
    const notices: AppliedNotice[] = [];
    for (const entry of (payload ?? '').split(',')) {
      const [cartId, version] = entry.split(':');
      if (!cartId || !version) continue;
      this.emitter.emit(cartId, Number(version));
      notices.push({ cartId, version: Number(version), at });
    }
    if (notices.length > 0) this.emitter.emit(EVERY_APPLY, notices);
  }
}
