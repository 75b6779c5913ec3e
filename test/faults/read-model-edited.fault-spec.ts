import { Client } from 'pg';
import { Cleanup } from '../support/cleanup';
import { TestStack } from '../support/stack';
import { FaultRun } from './support/fault-run';

/** Anti-entropy every second, read repair after a second: the defaults are a minute and 5 s. */
const REPAIR_ENV = { ANTI_ENTROPY_INTERVAL_MS: '1000', ANTI_ENTROPY_CONFIRM_MS: '300', PARKED_REPAIR_AFTER_MS: '1000' };

describe('fault: read-model rows edited, deleted and set back by hand in SQL, mid-load', () => {
  const cleanup = new Cleanup();
  afterAll(() => cleanup.run());

  it('heals every damaged view by anti-entropy and read repair; the history checks out', async () => {
    const stack = cleanup.add(await TestStack.start({ env: REPAIR_ENV }), (s) => s.stop());
    const sql = cleanup.add(new Client({ connectionString: stack.queryDb.url }), (c) => c.end());
    await sql.connect();
    const run = cleanup.add(await FaultRun.begin('j. read-model rows edited, deleted, set back by hand', stack), (r) =>
      r.stopLoad(),
    );
    await run.until('2.5 s of load', () => run.loadedFor(2500));

    const [edited, deleted, setBack] = [run.cartIds.slice(0, 3), run.cartIds.slice(3, 6), run.cartIds.slice(6, 9)];
    const damaged = [...edited, ...deleted, ...setBack];
    const from = run.now();
    await sql.query(`UPDATE cart_views SET items = '[{"sku":"ghost","quantity":9}]' WHERE id = ANY($1)`, [edited]);
    await sql.query('DELETE FROM cart_views WHERE id = ANY($1)', [deleted]);
    await sql.query('UPDATE cart_views SET version = greatest(version - 3, 0) WHERE id = ANY($1)', [setBack]);

    // Healed: each damaged view was seen equal to the write model once since the damage.
    const healed = new Set<string>();
    await run.until('every damaged view equal to the write model again', async () => {
      for (const cartId of damaged.filter((id) => !healed.has(id))) {
        const write = await run.writers[0].client.getCart(cartId);
        const read = await run.readers[0].client.getCart(cartId);
        if (read.status === 200 && JSON.stringify(read.body) === JSON.stringify(write.body)) healed.add(cartId);
      }
      return healed.size === damaged.length;
    });
    const repaired = run.now();
    run.damaged(damaged, from, repaired);
    await run.faultEnded();
    process.stdout.write(
      `\n[faults] j.: ${damaged.length} views damaged (3 edited, 3 deleted, 3 set back 3 versions), ` +
        `all equal to the write model again ${((repaired - from) / 1000).toFixed(2)} s later, under load\n`,
    );
    await run.until('9 s of load', () => run.loadedFor(9000));
    await run.finish();
  }, 120_000);
});
