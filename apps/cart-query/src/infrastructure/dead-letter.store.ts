import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { OutboundMessage } from '@converge/kafka';
import type { SqlExecutor } from '@converge/platform';

/** The header a redriven message carries: how many times it has been sent again. */
export const REDRIVE_COUNT_HEADER = 'x-redrive-count';

export interface DeadLetter {
  id: string;
  topic: string;
  partition: number;
  offset: string;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
  reason: string;
  detail: string;
  redriveCount: number;
  deadLetteredAt: string;
}

/** Pending letters chosen by reason or by id (one of the two). */
export type DeadLetterSelection = { reason: string } | { ids: string[] };

interface Row {
  id: string;
  source_topic: string;
  source_partition: number;
  source_offset: string;
  message_key: string;
  value: Buffer;
  headers: Record<string, string>;
  reason: string;
  detail: string;
  redrive_count: number;
  dead_lettered_at: Date;
}

/**
 * PostgreSQL text and jsonb hold no NUL and no lone surrogate, and poison may carry both: they
 * are stored as U+FFFD. The bytes of the value are kept exactly (bytea).
 */
const storable = (text: string): string =>
  text
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replaceAll(String.fromCharCode(0), '\uFFFD');

const toLetter = (row: Row): DeadLetter => ({
  id: row.id,
  topic: row.source_topic,
  partition: row.source_partition,
  offset: row.source_offset,
  key: row.message_key,
  value: row.value,
  headers: row.headers,
  reason: row.reason,
  detail: row.detail,
  redriveCount: row.redrive_count,
  deadLetteredAt: row.dead_lettered_at.toISOString(),
});

/** Dead letters in Cart-Query's database, for an operator to list, redrive or discard. */
@Injectable()
export class DeadLetterStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Records the dead-letter copies (already bounded); a redelivered batch records nothing twice. */
  async record(sql: SqlExecutor, letters: OutboundMessage[]): Promise<void> {
    if (letters.length === 0) return;
    const header = (letter: OutboundMessage, name: string) => storable(letter.headers?.[name] ?? '');
    const headers = (letter: OutboundMessage) =>
      Object.fromEntries(
        Object.entries(letter.headers ?? {}).map(([name, value]) => [storable(name), storable(value)]),
      );
    await sql.query(
      `INSERT INTO dead_letters (source_topic, source_partition, source_offset, message_key, value, headers, reason, detail, redrive_count)
       SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::bytea[], $6::jsonb[], $7::text[], $8::text[], $9::int[])
       ON CONFLICT (source_topic, source_partition, source_offset) DO NOTHING`,
      [
        letters.map((l) => header(l, 'dlq-original-topic')),
        letters.map((l) => Number(header(l, 'dlq-original-partition'))),
        letters.map((l) => header(l, 'dlq-original-offset')),
        letters.map((l) => storable(l.key ?? '')),
        letters.map((l) => (typeof l.value === 'string' ? Buffer.from(l.value) : (l.value ?? Buffer.alloc(0)))),
        letters.map((l) => JSON.stringify(headers(l))),
        letters.map((l) => header(l, 'dlq-reason')),
        letters.map((l) => header(l, 'dlq-detail')),
        letters.map((l) => Number(header(l, REDRIVE_COUNT_HEADER)) || 0),
      ],
    );
  }

  /** Pending letters by reason: how many, and the first few of each. */
  async byReason(samples: number): Promise<Array<{ reason: string; count: number; samples: DeadLetter[] }>> {
    const rows = (await this.dataSource.query(
      `SELECT r.reason, r.count, s.*
         FROM (SELECT reason, count(*)::int AS count FROM dead_letters WHERE status = 'pending' GROUP BY reason) r
         CROSS JOIN LATERAL (SELECT * FROM dead_letters d WHERE d.status = 'pending' AND d.reason = r.reason
                              ORDER BY id LIMIT $1) s
        ORDER BY r.count DESC, r.reason, s.id`,
      [samples],
    )) as Array<Row & { count: number }>;
    const groups = new Map<string, { reason: string; count: number; samples: DeadLetter[] }>();
    for (const row of rows) {
      const group = groups.get(row.reason) ?? { reason: row.reason, count: row.count, samples: [] };
      group.samples.push(toLetter(row));
      groups.set(row.reason, group);
    }
    return [...groups.values()];
  }

  async pending(selection: DeadLetterSelection): Promise<DeadLetter[]> {
    const [where, value] =
      'reason' in selection ? ['reason = $1', selection.reason] : ['id = ANY($1::bigint[])', selection.ids];
    const rows = (await this.dataSource.query(
      `SELECT * FROM dead_letters WHERE status = 'pending' AND ${where} ORDER BY id`,
      [value],
    )) as Row[];
    return rows.map(toLetter);
  }

  /** Settles letters that are still pending; returns those it settled, so none is settled twice. */
  async settle(ids: string[], status: 'redriven' | 'discarded', by: string): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = (await this.dataSource.query(
      `WITH settled AS (UPDATE dead_letters SET status = $2, settled_at = now(), settled_by = $3
                         WHERE id = ANY($1::bigint[]) AND status = 'pending' RETURNING id::text)
       SELECT id FROM settled`,
      [ids, status, by],
    )) as Array<{ id: string }>;
    return rows.map((row) => row.id);
  }
}
