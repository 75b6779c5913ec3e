import { Client } from 'pg';

export interface OutboxRow {
  id: number;
  topic: string;
  key: string;
  payload: Record<string, unknown> & { version: number; type: string; occurredAt: string };
  headers: Record<string, string>;
}

/** What a write leaves in the Cart database, read directly so a test sees what was committed. */
export interface CommittedCart {
  version: number | undefined;
  items: { sku: string; quantity: number }[];
  outbox: OutboxRow[];
}

/** Reads the service's database behind its back: the proof that a rejected request wrote nothing. */
export class CartWriteDatabase {
  private constructor(private readonly client: Client) {}

  static async connect(url: string): Promise<CartWriteDatabase> {
    const client = new Client({ connectionString: url });
    await client.connect();
    return new CartWriteDatabase(client);
  }

  close(): Promise<void> {
    return this.client.end();
  }

  /** Puts a cart at a version no test could reach by writing (the highest one, say). */
  async setVersion(cartId: string, version: number): Promise<void> {
    await this.client.query('UPDATE carts SET version = $2 WHERE id = $1', [cartId, version]);
  }

  /** Rows in the whole database: a rejected request must add none, whichever cart it named. */
  async totals(): Promise<{ carts: number; outbox: number }> {
    const { rows } = await this.client.query<{ carts: string; outbox: string }>(
      'SELECT (SELECT count(*) FROM carts) AS carts, (SELECT count(*) FROM outbox) AS outbox',
    );
    return { carts: Number(rows[0].carts), outbox: Number(rows[0].outbox) };
  }

  async committed(cartId: string): Promise<CommittedCart> {
    const carts = await this.client.query<{ version: number }>('SELECT version FROM carts WHERE id = $1', [cartId]);
    const items = await this.client.query<{ sku: string; quantity: number }>(
      'SELECT sku, quantity FROM cart_items WHERE cart_id = $1 ORDER BY sku COLLATE "C"',
      [cartId],
    );
    return { version: carts.rows[0]?.version, items: items.rows, outbox: await this.outbox(cartId) };
  }

  async outbox(cartId: string): Promise<OutboxRow[]> {
    const { rows } = await this.client.query<Omit<OutboxRow, 'id'> & { id: string }>(
      'SELECT id, topic, message_key AS key, payload, headers FROM outbox WHERE message_key = $1 ORDER BY id',
      [cartId],
    );
    return rows.map((row) => ({ ...row, id: Number(row.id) }));
  }
}
