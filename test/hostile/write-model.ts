import { Client } from 'pg';

/** Everything a refused request could have touched in the Cart database, read in one statement. */
export interface WriteModelState {
  version: number | null;
  lines: Array<[string, number]>;
  carts: number;
  outbox: number;
}

/** Reads the write model behind the service's back: the proof that a refused request changed nothing. */
export class WriteModel {
  private constructor(private readonly client: Client) {}

  static async connect(url: string): Promise<WriteModel> {
    const client = new Client({ connectionString: url });
    await client.connect();
    return new WriteModel(client);
  }

  async state(cartId: string): Promise<WriteModelState> {
    const { rows } = await this.client.query<{
      version: number | null;
      lines: Array<[string, number]>;
      carts: string;
      outbox: string;
    }>(
      `SELECT (SELECT version FROM carts WHERE id = $1) AS version,
              (SELECT coalesce(json_agg(json_build_array(sku, quantity) ORDER BY sku COLLATE "C"), '[]'::json)
                 FROM cart_items WHERE cart_id = $1) AS lines,
              (SELECT count(*) FROM carts) AS carts,
              (SELECT count(*) FROM outbox) AS outbox`,
      [cartId],
    );
    const [row] = rows;
    return { version: row.version, lines: row.lines, carts: Number(row.carts), outbox: Number(row.outbox) };
  }

  close(): Promise<void> {
    return this.client.end();
  }
}
