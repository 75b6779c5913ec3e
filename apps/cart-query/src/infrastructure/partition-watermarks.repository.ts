import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EVENT_BROKER, type EventBroker } from '@converge/kafka';
import type { SqlExecutor } from '@converge/platform';
import { cartQueryConfig, type CartQueryConfig } from '../cart-query.config';

export interface PartitionWatermark {
  partition: number;
  atMs: number;
}

/** Epoch milliseconds as SQL, both ways, without a float in between: exact to the ms. */
const FROM_MS = `timestamptz 'epoch' + $3::bigint * interval '1 millisecond'`;
const TO_MS = 'floor(extract(epoch FROM watermark) * 1000)::bigint';
/**
 * The partition count is asked of the broker once; while it cannot answer, a read goes without
 * a claim rather than waiting on the client's retries (up to seconds) for one.
 */
const PARTITION_LOOKUP_MS = 1000;

/** The watermark of each partition of the events topic that the read model has applied. */
@Injectable()
export class PartitionWatermarks {
  private readonly logger = new Logger('PartitionWatermarks');

  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENT_BROKER) private readonly broker: EventBroker,
    @Inject(cartQueryConfig.KEY) private readonly config: CartQueryConfig,
  ) {}

  /**
   * In the transaction that applied the data before the watermark; true if it moved forward.
   * Not while an event of the partition is parked: committed on the write side but not in its
   * view, it makes every instant after its commit untrue of its partition.
   */
  async advance(sql: SqlExecutor, topic: string, partition: number, atMs: number): Promise<boolean> {
    if (await this.parkedOn(sql, partition)) return false;
    const rows = (await sql.query(
      `INSERT INTO partition_watermarks (topic, partition, watermark) VALUES ($1, $2, ${FROM_MS})
       ON CONFLICT (topic, partition) DO UPDATE SET watermark = excluded.watermark, applied_at = now()
         WHERE partition_watermarks.watermark < excluded.watermark
       RETURNING 1`,
      [topic, partition, atMs],
    )) as unknown[];
    return rows.length > 0;
  }

  /** Parking is rare and repaired within seconds: the carts are few. One whose partition is unknown counts. */
  private async parkedOn(sql: SqlExecutor, partition: number): Promise<boolean> {
    const parked = (await sql.query('SELECT DISTINCT aggregate_id::text AS id FROM parked_events')) as Array<{
      id: string;
    }>;
    for (const { id } of parked) {
      const of = await this.partitionOf(id);
      if (of === undefined || of === partition) return true;
    }
    return false;
  }

  async find(partition: number): Promise<number | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT ${TO_MS} AS at_ms FROM partition_watermarks WHERE topic = $1 AND partition = $2`,
      [this.config.eventsTopic, partition],
    )) as Array<{ at_ms: string }>;
    return rows[0] && Number(rows[0].at_ms);
  }

  async all(): Promise<PartitionWatermark[]> {
    const rows = (await this.dataSource.query(
      `SELECT partition, ${TO_MS} AS at_ms FROM partition_watermarks WHERE topic = $1 ORDER BY partition`,
      [this.config.eventsTopic],
    )) as Array<{ partition: number; at_ms: string }>;
    return rows.map((row) => ({ partition: row.partition, atMs: Number(row.at_ms) }));
  }

  /**
   * As the relay places the cart's events: keyed by cart id, on the topic's partition count, so
   * a cart the read model never saw has one too. Undefined while the broker cannot say.
   */
  async partitionOf(cartId: string): Promise<number | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${PARTITION_LOOKUP_MS} ms`)), PARTITION_LOOKUP_MS);
    });
    try {
      return await Promise.race([this.broker.partitionOf(this.config.eventsTopic, cartId), late]);
    } catch (error) {
      this.logger.warn(`the partition of cart ${cartId} is unknown: ${error instanceof Error ? error.message : error}`);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
