import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { RepeatingTask } from '@converge/platform';
import { cartConfig, type CartConfig } from '../cart.config';
import { IdempotencyKeyTakenError, type IdempotentWrite, type RecordedAnswer } from './idempotency-key';

/** A key as stored: what it was used for and the answer it got. */
export interface StoredKey extends RecordedAnswer {
  fingerprint: string;
}

/** The most a purge waits between runs, however long keys live. */
const MAX_PURGE_INTERVAL_MS = 60_000;

/**
 * Idempotency keys in PostgreSQL, one row per owner and key. A key is recorded in the transaction
 * of its change; the primary key makes a concurrent request with the same key wait for that
 * transaction, then find the key taken. Expired keys count as absent, and are purged.
 */
@Injectable()
export class IdempotencyKeys implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('IdempotencyKeys');
  private readonly purge: RepeatingTask;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(cartConfig.KEY) private readonly config: CartConfig,
  ) {
    const everyMs = Math.min(config.idempotency.keyTtlMs, MAX_PURGE_INTERVAL_MS);
    this.purge = new RepeatingTask('idempotency key purge', everyMs, () => this.purgeExpired(), this.logger);
  }

  onApplicationBootstrap(): void {
    this.purge.start();
  }

  onApplicationShutdown(): void {
    this.purge.stop();
  }

  /** The key's stored answer, unless it has none or it expired. */
  async find(owner: string, key: string): Promise<StoredKey | undefined> {
    const { rows } = await this.pool.query<StoredKey>({
      name: 'idempotency-key-find',
      text: `SELECT fingerprint, status, headers, body FROM idempotency_keys
              WHERE owner = $1 AND key = $2 AND expires_at > now()`,
      values: [owner, key],
    });
    return rows[0];
  }

  /**
   * Records the answer in the write's transaction. An expired row is taken over as new; a live
   * one (committed by a concurrent request, waited for) raises IdempotencyKeyTakenError.
   */
  async record<T>(client: PoolClient, write: IdempotentWrite<T>, result: T): Promise<void> {
    const answer = write.answer(result);
    const { rowCount } = await client.query({
      name: 'idempotency-key-record',
      text: `INSERT INTO idempotency_keys AS k (owner, key, fingerprint, status, headers, body, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, now() + $7 * interval '1 millisecond')
             ON CONFLICT (owner, key) DO UPDATE
                SET fingerprint = EXCLUDED.fingerprint, status = EXCLUDED.status, headers = EXCLUDED.headers,
                    body = EXCLUDED.body, created_at = now(), expires_at = EXCLUDED.expires_at
              WHERE k.expires_at <= now()`,
      values: [
        write.owner,
        write.key,
        write.fingerprint,
        answer.status,
        JSON.stringify(answer.headers),
        JSON.stringify(answer.body),
        this.config.idempotency.keyTtlMs,
      ],
    });
    if (rowCount !== 1) throw new IdempotencyKeyTakenError();
  }

  /** Deletes expired keys; returns how many. */
  async purgeExpired(): Promise<number> {
    const { rowCount } = await this.pool.query('DELETE FROM idempotency_keys WHERE expires_at <= now()');
    if (rowCount) this.logger.log(`${rowCount} expired idempotency key(s) purged`);
    return rowCount ?? 0;
  }

  private get pool(): Pool {
    return (this.dataSource.driver as PostgresDriver).master as Pool;
  }
}
