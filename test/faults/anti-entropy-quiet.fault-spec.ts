import { scrape, valueOf } from '../metrics/prometheus-text';
import { Cleanup } from '../support/cleanup';
import { TestStack } from '../support/stack';
import { FaultRun } from './support/fault-run';

describe('no fault: a steady load with the reconciler running every second', () => {
  const cleanup = new Cleanup();
  afterAll(() => cleanup.run());

  it('repairs nothing: what is in flight is not a divergence', async () => {
    const stack = cleanup.add(
      await TestStack.start({ env: { ANTI_ENTROPY_INTERVAL_MS: '1000', ANTI_ENTROPY_CONFIRM_MS: '1000' } }),
      (s) => s.stop(),
    );
    const run = cleanup.add(await FaultRun.begin('m. steady load, anti-entropy every second', stack), (r) =>
      r.stopLoad(),
    );
    await run.until('12 s of load', () => run.loadedFor(12_000), 60_000);
    await run.finish();

    const samples = (await scrape(stack.query[0].url)).samples;
    const passes = valueOf(samples, 'converge_reconcile_duration_seconds_count');
    const divergent = valueOf(samples, 'converge_divergent_carts_total');
    const requested = ['anti-entropy', 'read-repair'].map((trigger) =>
      valueOf(samples, 'converge_repairs_requested_total', { trigger }),
    );
    process.stdout.write(
      `\n[faults] m.: ${passes} anti-entropy passes over the load: ${divergent} divergent, ${requested[0]} repairs, ${requested[1]} read repairs\n`,
    );
    // Enough passes over the load that "none repaired anything" means something.
    expect(passes).toBeGreaterThanOrEqual(3);
    expect({ divergent, requested }).toEqual({ divergent: 0, requested: [0, 0] });
  }, 120_000);
});
