import { Cleanup } from '../support/cleanup';
import { TestStack } from '../support/stack';
import { createTestDatabase } from '../support/test-database';
import { uniqueName } from '../support/test-env';
import { FaultRun } from './support/fault-run';
import { deleteTopicHistory } from './support/topic-history';

const REPAIR_ENV = { ANTI_ENTROPY_INTERVAL_MS: '1000', ANTI_ENTROPY_CONFIRM_MS: '300', PARKED_REPAIR_AFTER_MS: '1000' };

describe('fault: a fresh Cart-Query on an empty database, after the topic’s history was deleted', () => {
  const cleanup = new Cleanup();
  afterAll(() => cleanup.run());

  it('reaches the write model by snapshot backfill while the load goes on; the history checks out', async () => {
    const stack = cleanup.add(await TestStack.start({ env: REPAIR_ENV }), (s) => s.stop());
    const run = cleanup.add(
      await FaultRun.begin('k. fresh Cart-Query after the topic history was deleted', stack),
      (r) => r.stopLoad(),
    );
    await run.until('3 s of load', () => run.loadedFor(3000));

    const deleted = await deleteTopicHistory(stack.topic);
    const emptyDb = cleanup.add(await createTestDatabase('cart_query_rebuilt'), (db) => db.drop());
    const fresh = await stack.startQuery({
      CART_QUERY_DATABASE_URL: emptyDb.url,
      CART_QUERY_GROUP_ID: uniqueName('cart-query-rebuilt'),
    });
    // The old instance keeps serving until the new one is ready; then traffic moves to it.
    const [old] = run.readers;
    run.replace(run.readers, old, fresh);
    await stack.query[0].stop();
    await run.faultEnded();
    await run.until('9 s of load', () => run.loadedFor(9000));
    const result = await run.finish();
    process.stdout.write(
      `\n[faults] k.: ${deleted} records deleted; a Cart-Query on an empty database, in a group of its own, ` +
        `backfilled all ${run.cartIds.length} carts by snapshots (converge time above)\n`,
    );
    expect(result.ok).toBe(true);
  }, 120_000);
});
