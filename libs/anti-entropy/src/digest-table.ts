import type { SqlExecutor } from '@converge/platform';
import type { DigestBranch, DigestLeaf, DigestSource } from './digest-tree';

/** Where a service keeps its digests: a table of leaves, and the rows with their bucket and digest. */
export interface DigestTableNames {
  buckets: string;
  rows: string;
}

/** PostgreSQL hands bigint back as text; the tree speaks 16 hex digits. */
const hex = (value: string): string => BigInt.asUintN(64, BigInt(value)).toString(16).padStart(16, '0');

/**
 * A DigestSource over a service's own database. A branch folds at most 4,096 leaf rows, whatever
 * the number of carts; a leaf reads its carts through the bucket index.
 */
export class DigestTable implements DigestSource {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly names: DigestTableNames,
  ) {}

  async branch(prefix: string): Promise<DigestBranch> {
    const rows = (await this.sql.query(
      `SELECT substr(bucket, 1, $1) AS child, bit_xor(digest)::text AS digest, sum(carts)::int AS carts
         FROM ${this.names.buckets} WHERE starts_with(bucket, $2)
        GROUP BY 1 HAVING sum(carts) <> 0 OR bit_xor(digest) <> 0 ORDER BY 1`,
      [prefix.length + 1, prefix],
    )) as Array<{ child: string; digest: string; carts: number }>;
    const children = Object.fromEntries(rows.map((row) => [row.child, { digest: hex(row.digest), carts: row.carts }]));
    return { prefix, carts: rows.reduce((sum, row) => sum + row.carts, 0), children };
  }

  async leaf(prefix: string): Promise<DigestLeaf> {
    const rows = (await this.sql.query(
      `SELECT id, version, digest::text AS digest FROM ${this.names.rows} WHERE bucket = $1 ORDER BY id`,
      [prefix],
    )) as Array<{ id: string; version: number; digest: string }>;
    return { prefix, rows: rows.map((row) => ({ id: row.id, version: row.version, digest: hex(row.digest) })) };
  }
}
