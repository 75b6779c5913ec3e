/**
 * SQL both services' migrations use, so a digest computed in PostgreSQL equals contracts'
 * cartDigest: the first 64 bits of md5 of the canonical text, as a signed bigint.
 */
export const DIGEST_FUNCTION_SQL = `
  CREATE OR REPLACE FUNCTION converge_digest(canonical text) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
  $$ SELECT ('x' || substr(md5(canonical), 1, 16))::bit(64)::bigint $$`;

/** The leaf bucket of an id, as contracts' digestBucketOf. */
export const bucketOf = (idSql: string): string => `substr(md5(${idSql}::text), 1, 3)`;

/**
 * A table of 4,096 leaves, each the XOR of its rows' digests and their count, seeded from
 * `rows` (a query giving bucket and digest), so a root costs 4,096 rows however many carts.
 */
export function createBucketsSql(table: string, rows: string): string[] {
  return [
    `CREATE TABLE ${table} (bucket char(3) PRIMARY KEY, digest bigint NOT NULL DEFAULT 0, carts integer NOT NULL DEFAULT 0)`,
    `INSERT INTO ${table} (bucket)
       SELECT lpad(to_hex(n), 3, '0') FROM generate_series(0, 4095) AS n`,
    `UPDATE ${table} b SET digest = r.digest, carts = r.carts
       FROM (SELECT bucket, bit_xor(digest) AS digest, count(*) AS carts FROM (${rows}) x GROUP BY bucket) r
      WHERE b.bucket = r.bucket`,
  ];
}
