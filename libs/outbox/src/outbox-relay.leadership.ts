import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { describeFailure } from './outbox-failure';

export interface LeadershipSettings {
  databaseUrl: string;
  lockKey: number;
  /** While leading, the session is checked this often, so a silently dead link is noticed. */
  checkEveryMs: number;
  /** LISTENed on the lock's connection while leading; none in poll mode. */
  channel?: string;
}

/** One spell of leadership; `lost` aborts when the session holding the lock is gone. */
export interface LeadershipTerm {
  readonly lost: AbortSignal;
}

/**
 * Elects one relay among all instances on a database with a session-level advisory lock on a
 * dedicated connection: the lock lives exactly as long as that session, so when a leader dies
 * (process, network or a terminated backend) the server releases it and a standby takes over.
 */
export class AdvisoryLeadership {
  private client?: Client;
  private term?: AbortController;
  private check?: NodeJS.Timeout;
  private released = false;

  constructor(
    private readonly settings: LeadershipSettings,
    private readonly onNotification: () => void,
    private readonly logger: Logger,
  ) {}

  /** Asks once; a term if this instance now leads. Rejects when the database cannot be reached. */
  async tryAcquire(): Promise<LeadershipTerm | undefined> {
    const client = await this.connection();
    try {
      const { rows } = await client.query<{ acquired: boolean }>('SELECT pg_try_advisory_lock($1) AS acquired', [
        this.settings.lockKey,
      ]);
      if (!rows[0].acquired) return undefined;
      if (this.settings.channel) await client.query(`LISTEN ${client.escapeIdentifier(this.settings.channel)}`);
    } catch (error) {
      // Ending the session also frees a lock taken just before a failed LISTEN.
      this.discard(client, error);
      throw error;
    }
    return this.beginTerm(client);
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
      query_timeout: 5000,
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

  private beginTerm(client: Client): LeadershipTerm {
    const term = new AbortController();
    this.term = term;
    this.check = setInterval(() => {
      client.query('SELECT 1').catch((error: unknown) => this.discard(client, error));
    }, this.settings.checkEveryMs);
    this.check.unref();
    return { lost: term.signal };
  }

  private endTerm(): void {
    clearInterval(this.check);
    this.check = undefined;
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
    client.end().catch(() => undefined);
  }
}
