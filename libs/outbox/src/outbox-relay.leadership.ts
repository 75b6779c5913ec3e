import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { dropConnection } from '@converge/platform';
import { describeFailure } from './outbox-failure';

export interface LeadershipSettings {
  databaseUrl: string;
  lockKey: number;
  /**
   * The lease: the server ends the lock's session, and so frees the lock, after this long without
   * a query on it (idle_session_timeout); the leader heartbeats well within it, and stops leading
   * before it could run out (see leaseTimings).
   */
  leaseMs: number;
  /** LISTENed on the lock's connection while leading; none in poll mode. */
  channel?: string;
}

/** One spell of leadership; `lost` aborts when it is over, before another instance can lead. */
export interface LeadershipTerm {
  readonly lost: AbortSignal;
  /** The fencing token: taken from a sequence while holding the lock, so above every earlier term's. */
  readonly epoch: string;
}

/**
 * How a lease of `leaseMs` is kept. The server frees the lock no sooner than `leaseMs` after the
 * last heartbeat it received, which was sent after the leader's clock read `sentAt`; the leader
 * stops at `sentAt + stopAfterMs` unless a later heartbeat was answered. So it stops at least
 * `leaseMs - stopAfterMs` before any other instance can take the lock: the margin in which its
 * publisher is fenced and bytes already on the wire land.
 */
export function leaseTimings(leaseMs: number) {
  return {
    heartbeatEveryMs: Math.round(leaseMs / 5),
    /** A query on the lock's connection unanswered this long is given up, and the connection with it. */
    queryTimeoutMs: Math.round((leaseMs * 2) / 5),
    stopAfterMs: Math.round((leaseMs * 3) / 5),
  };
}

/** Bumped once per term by its leader, for the fencing token. */
export const RELAY_EPOCH_SEQUENCE = 'outbox_relay_epochs';

/**
 * Elects one relay among all instances on a database with a session-level advisory lock on a
 * dedicated connection. The lock lives as long as that session, and the session as long as its
 * heartbeats reach the server: a leader that dies, is cut off, or whose link goes silent without a
 * FIN loses the lock within the lease, and a standby takes over.
 */
export class AdvisoryLeadership {
  private client?: Client;
  private term?: AbortController;
  private heartbeat?: NodeJS.Timeout;
  private deadline?: NodeJS.Timeout;
  private released = false;
  private readonly timings: ReturnType<typeof leaseTimings>;

  constructor(
    private readonly settings: LeadershipSettings,
    private readonly onNotification: () => void,
    private readonly logger: Logger,
  ) {
    this.timings = leaseTimings(settings.leaseMs);
  }

  /** Asks once; a term if this instance now leads. Rejects when the database cannot be reached. */
  async tryAcquire(): Promise<LeadershipTerm | undefined> {
    const client = await this.connection();
    let epoch: string;
    let sentAt: number;
    try {
      const { rows } = await client.query<{ acquired: boolean }>('SELECT pg_try_advisory_lock($1) AS acquired', [
        this.settings.lockKey,
      ]);
      if (!rows[0].acquired) return undefined;
      sentAt = performance.now();
      const taken = await client.query<{ epoch: string }>(`SELECT nextval('${RELAY_EPOCH_SEQUENCE}')::text AS epoch`);
      epoch = taken.rows[0].epoch;
      if (this.settings.channel) await client.query(`LISTEN ${client.escapeIdentifier(this.settings.channel)}`);
    } catch (error) {
      // Ending the session also frees a lock taken just before a failed step.
      this.discard(client, error);
      throw error;
    }
    return this.beginTerm(client, epoch, sentAt);
  }

  /** Ends the session, which frees the lock and the LISTEN; later calls do nothing. */
  async release(): Promise<void> {
    this.released = true;
    const client = this.client;
    this.client = undefined;
    this.endTerm();
    await client?.end().catch(() => undefined);
  }

  private async connection(): Promise<Client> {
    if (this.released) throw new Error('the outbox relay was stopped');
    if (this.client) return this.client;
    const client = new Client({
      connectionString: this.settings.databaseUrl,
      application_name: 'outbox-relay-leadership',
      connectionTimeoutMillis: 5000,
      query_timeout: this.timings.queryTimeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: this.timings.heartbeatEveryMs,
      // The server's half of the lease: a session that hears nothing for this long is ended.
      options: `-c idle_session_timeout=${this.settings.leaseMs}`,
    });
    // Listeners stay attached after a discard: a late error on a dropped client must not crash.
    client.on('error', (error) => this.discard(client, error));
    client.on('end', () => this.discard(client, new Error('the connection ended')));
    client.on('notification', (message) => {
      if (client === this.client && message.channel === this.settings.channel) this.onNotification();
    });
    this.client = client;
    try {
      await client.connect();
    } catch (error) {
      this.discard(client, error);
      throw error;
    }
    return client;
  }

  /** Heartbeats until one fails, or none is answered in time: then the term ends, within the lease. */
  private beginTerm(client: Client, epoch: string, sentAt: number): LeadershipTerm {
    const term = new AbortController();
    this.term = term;
    const { heartbeatEveryMs, stopAfterMs } = this.timings;
    const extend = (from: number) => {
      clearTimeout(this.deadline);
      this.deadline = setTimeout(
        () => this.discard(client, new Error(`no heartbeat answered within ${stopAfterMs} ms`)),
        Math.max(0, from + stopAfterMs - performance.now()),
      );
    };
    const beat = async () => {
      const beatSentAt = performance.now();
      try {
        await client.query('SELECT 1');
      } catch (error) {
        this.discard(client, error);
        return;
      }
      if (this.term !== term) return;
      extend(beatSentAt);
      this.heartbeat = setTimeout(() => void beat(), heartbeatEveryMs);
    };
    extend(sentAt);
    this.heartbeat = setTimeout(() => void beat(), heartbeatEveryMs);
    return { lost: term.signal, epoch };
  }

  private endTerm(): void {
    clearTimeout(this.heartbeat);
    clearTimeout(this.deadline);
    this.heartbeat = undefined;
    this.deadline = undefined;
    this.term?.abort();
    this.term = undefined;
  }

  /** Forgets a connection that failed; a term held on it is over. The next attempt reconnects. */
  private discard(client: Client, error: unknown): void {
    if (client !== this.client) return;
    this.client = undefined;
    if (this.term) {
      this.logger.warn(`lost the outbox lock's connection, no longer publishing: ${describeFailure(error)}`);
    }
    this.endTerm();
    // Not end(): over a silent link its goodbye is never answered. The server ends the session
    // itself within the lease.
    dropConnection(client);
  }
}
