import { EventEmitter } from 'node:events';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { backoffDelayMs, delay } from '@converge/backoff';
import { dropConnection, type SqlExecutor } from '@converge/platform';
import { cartQueryConfig, type CartQueryConfig } from '../cart-query.config';

/** Postgres channel on which every instance hears what any instance's consumer applied. */
export const READ_MODEL_CHANNEL = 'cart_views_applied';
/** And the watermarks it applied: "partition:epochMs". */
export const WATERMARK_CHANNEL = 'partition_watermarks_applied';
// NOTIFY payloads must stay under 8000 bytes; one entry is "uuid:version," (about 45 bytes).
const ENTRIES_PER_NOTIFY = 150;
/**
 * A LISTEN connection only receives, so a link gone silent would go unnoticed for good: it is
 * asked a question this often, and one unanswered within the same time is replaced.
 */
export const LISTENER_CHECK_MS = 2000;

export type AppliedVersion = readonly [cartId: string, version: number];

/** A cart's view reached a version, as heard on the channel: `at` is when, within a hop of the commit. */
export interface AppliedNotice {
  cartId: string;
  version: number;
  at: string;
}

const EVERY_APPLY = Symbol('every apply');

/** A wait on the consumer's signal: true once reached, false after the timeout or a cancel. */
export interface Wait {
  done: Promise<boolean>;
  cancel(): void;
}

/** Cart ids are UUIDs, so this never names a cart. */
const partitionEvent = (partition: number): string => `partition:${partition}`;

/**
 * Tells waiting readers that a cart's view reached a version: in-process right after the
 * consumer's commit, and across instances by NOTIFY, delivered only if that commit happens.
 */
@Injectable()
export class ReadModelSignals implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ReadModelSignals');
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private listener?: Client;
  private check?: NodeJS.Timeout;
  private stopped = false;

  constructor(@Inject(cartQueryConfig.KEY) private readonly config: CartQueryConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.check);
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

  /** Inside the applying transaction, as announce. */
  async announceWatermark(sql: SqlExecutor, partition: number, atMs: number): Promise<void> {
    await sql.query('SELECT pg_notify($1, $2)', [WATERMARK_CHANNEL, `${partition}:${atMs}`]);
  }

  /** After the applying transaction committed: wakes this instance's readers at once. */
  applied(versions: AppliedVersion[]): void {
    for (const [cartId, version] of versions) this.emitter.emit(cartId, version);
  }

  watermarkApplied(partition: number, atMs: number): void {
    this.emitter.emit(partitionEvent(partition), atMs);
  }

  /**
   * Resolves true once the cart reaches `minVersion`, false when `timeoutMs` passes first.
   * Register before reading the view, so a change between the read and the wait is not missed.
   */
  reached(cartId: string, minVersion: number, timeoutMs: number): Wait {
    return this.until(cartId, minVersion, timeoutMs);
  }

  /** The same for a partition's watermark (epoch ms): register before reading it. */
  watermarkReached(partition: number, minMs: number, timeoutMs: number): Wait {
    return this.until(partitionEvent(partition), minMs, timeoutMs);
  }

  private until(event: string, least: number, timeoutMs: number): Wait {
    let cancel = () => undefined as void;
    const done = new Promise<boolean>((resolve) => {
      const onApplied = (value: number) => value >= least && finish(true);
      const timer = setTimeout(() => finish(false), Math.max(0, timeoutMs));
      const finish = (result: boolean) => {
        clearTimeout(timer);
        this.emitter.off(event, onApplied);
        resolve(result);
      };
      cancel = () => finish(false);
      this.emitter.on(event, onApplied);
    });
    return { done, cancel };
  }

  private async listen(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      const client = new Client({
        connectionString: this.config.databaseUrl,
        // Named so an operator (and the fault scenario) can tell each instance's listener.
        application_name: `cart-query-signals-${process.pid}`,
        connectionTimeoutMillis: 5000,
        query_timeout: LISTENER_CHECK_MS,
        keepAlive: true,
        keepAliveInitialDelayMillis: LISTENER_CHECK_MS,
      });
      try {
        await client.connect();
        client.on('notification', (message) => this.onNotification(message.channel, message.payload));
        client.on('error', (error) => this.onListenerLost(client, error));
        await client.query(`LISTEN ${READ_MODEL_CHANNEL}; LISTEN ${WATERMARK_CHANNEL}`);
        this.listener = client;
        this.checkLiveness(client);
        return;
      } catch (error) {
        dropConnection(client);
        this.logger.warn(`LISTEN failed (attempt ${attempt + 1}): ${error instanceof Error ? error.message : error}`);
        await delay(backoffDelayMs(attempt));
      }
    }
  }

  private onListenerLost(client: Client, error: Error): void {
    if (this.stopped || this.listener !== client) return;
    this.logger.warn(`LISTEN connection lost, reconnecting: ${error.message}`);
    this.listener = undefined;
    clearTimeout(this.check);
    dropConnection(client);
    void this.listen();
  }

  /** Asks the listener a question every LISTENER_CHECK_MS; unanswered in time, it is replaced. */
  private checkLiveness(client: Client): void {
    this.check = setTimeout(() => {
      client.query('SELECT 1').then(
        () => this.listener === client && this.checkLiveness(client),
        (error: unknown) => this.onListenerLost(client, error instanceof Error ? error : new Error(String(error))),
      );
    }, LISTENER_CHECK_MS);
    this.check.unref();
  }

  /**
   * Every apply of every instance, in the batches they were committed in; for watchers such as
   * the studio. Returns how to stop listening.
   */
  watch(listener: (notices: AppliedNotice[]) => void): () => void {
    this.emitter.on(EVERY_APPLY, listener);
    return () => this.emitter.off(EVERY_APPLY, listener);
  }

  private onNotification(channel: string, payload: string | undefined): void {
    // Every instance hears every apply: gather notices only while a watcher listens.
    const watched = this.emitter.listenerCount(EVERY_APPLY) > 0;
    const at = watched ? new Date().toISOString() : '';
    const notices: AppliedNotice[] = [];
    for (const entry of (payload ?? '').split(',')) {
      const [key, value] = entry.split(':');
      if (!key || !value) continue;
      if (channel === WATERMARK_CHANNEL) {
        this.watermarkApplied(Number(key), Number(value));
      } else {
        this.emitter.emit(key, Number(value));
        if (watched) notices.push({ cartId: key, version: Number(value), at });
      }
    }
    if (notices.length > 0) this.emitter.emit(EVERY_APPLY, notices);
  }
}
