import { scrape, valueOf } from '../metrics/prometheus-text';
import { CartClient } from '../support/cart-client';
import { Cleanup } from '../support/cleanup';
import { TestStack } from '../support/stack';
import { operatorBearer } from '../support/test-env';
import { FaultRun } from './support/fault-run';
import { deleteTopicHistory } from './support/topic-history';

/** Read repair after a second; anti-entropy every 4 s, so a cart written again is read repair's. */
const REPAIR_ENV = { ANTI_ENTROPY_INTERVAL_MS: '4000', ANTI_ENTROPY_CONFIRM_MS: '300', PARKED_REPAIR_AFTER_MS: '1000' };

describe('fault: records deleted from the topic before Cart-Query consumed them, mid-load', () => {
  const cleanup = new Cleanup();
  afterAll(() => cleanup.run());

  it('heals: carts written again by read repair, the others by anti-entropy; the history checks out', async () => {
    const stack = cleanup.add(await TestStack.start({ env: REPAIR_ENV }), (s) => s.stop());
    const operator = new CartClient(stack.query[0].url, operatorBearer());
    const run = cleanup.add(await FaultRun.begin('i. records deleted from the topic (deleteRecords)', stack), (r) =>
      r.stopLoad(),
    );
    await run.until('2.5 s of load', () => run.loadedFor(2500));

    // Held back, so the records deleted are ones the read model never saw.
    await operator.setConsumptionPaused(true);
    const paused = run.now();
    await run.until('1.5 s of writes that only the topic holds', () => run.now() - paused >= 1500);
    const deleted = await deleteTopicHistory(stack.topic);
    const lost = run.writesSince(paused, 'ok').length;
    await operator.setConsumptionPaused(false);
    await run.faultEnded();
    await run.until('9 s of load', () => run.loadedFor(9000));
    await run.finish();

    const samples = (await scrape(stack.query[0].url)).samples;
    const [antiEntropy, readRepair] = ['anti-entropy', 'read-repair'].map((trigger) =>
      valueOf(samples, 'converge_repairs_requested_total', { trigger }),
    );
    process.stdout.write(
      `\n[faults] i.: ${deleted} records deleted, ${lost} of them writes the read model never saw; ` +
        `repairs requested: ${readRepair} by read repair, ${antiEntropy} by anti-entropy\n`,
    );
    expect(readRepair + antiEntropy).toBeGreaterThan(0);
  }, 120_000);
});
