import { consumerPause } from '../../demos/consumer-pause.demo';
import { type Demo, median } from '../../demos/demo';
import { type DemoStack, ownStack } from '../../demos/demo-stack';
import { inconsistencyWindow } from '../../demos/inconsistency-window.demo';
import { monotonicReads } from '../../demos/monotonic-reads.demo';
import { readYourWrites } from '../../demos/read-your-writes.demo';
import { replicationDelay } from '../../demos/replication-delay.demo';
import { staleRead } from '../../demos/stale-read.demo';
import { Cleanup } from '../support/cleanup';

/** Short, so the lagging region's 503 comes quickly. */
const ENV = { SESSION_WAIT_MS: '600' };

/** Each demo's `npm run demo` run, on a stack of the test's own, asserting what the demo says it shows. */
describe('the terminal demos find what they say they show', () => {
  const cleanup = new Cleanup();
  let shared: DemoStack;
  afterAll(() => cleanup.run());

  beforeAll(async () => {
    shared = cleanup.add(await ownStack(1, ENV), (s) => s.stop());
  });

  async function run<F>(demo: Demo<F>, stack = shared): Promise<{ finding: F; lines: string[] }> {
    const lines: string[] = [];
    const finding = await demo.run(stack.context((line) => lines.push(line)));
    process.stdout.write(`[demo] ${demo.name}:\n${lines.map((line) => `  ${line}`).join('\n')}\n`);
    return { finding, lines };
  }

  it('stale-read: reads right after a write see the older version, then converge', async () => {
    const { finding } = await run(staleRead);
    expect(finding.staleRightAfter).toBeGreaterThan(0);
    expect(finding.convergedAfterMs).toHaveLength(finding.rounds);
  });

  it('read-your-writes: a read with the write’s token never answers older', async () => {
    const { finding } = await run(readYourWrites);
    expect(finding.tokenReadsOlder).toBe(0);
    expect(finding.tokenWaitMs).toHaveLength(finding.rounds);
  });

  it('monotonic-reads: without tokens a client goes back in time across regions; with them it never does', async () => {
    const regions = cleanup.add(await ownStack(2, ENV), (s) => s.stop());
    const { finding } = await run(monotonicReads, regions);
    expect(finding.wentBackWithoutTokens).toBe(true);
    expect(finding.wentBackWithTokens).toBe(false);
    expect(finding.withTokens).toContain('behind');
  });

  it('replication-delay: every write shows no sooner than the injected minimum, later than without it', async () => {
    const { finding } = await run(replicationDelay);
    // The batch waits the minimum after its fetch, which comes after the write was sent.
    expect(Math.min(...finding.withDelaySentMs)).toBeGreaterThanOrEqual(finding.delay.minMs);
    expect(median(finding.withDelayMs)).toBeGreaterThan(median(finding.withoutDelayMs));
  });

  it('inconsistency-window: 50–200 ms of delay leaves more reads stale, at every offset taken together', async () => {
    const { finding } = await run(inconsistencyWindow);
    const [plain, delayed] = finding.settings;
    expect(plain.curve.staleShare).toHaveLength(plain.curve.offsetsMs.length);
    // The delay comes on top of the same propagation, so the window it leaves is wider.
    const total = (shares: number[]) => shares.reduce((sum, share) => sum + share, 0);
    expect(total(delayed.curve.staleShare)).toBeGreaterThan(total(plain.curve.staleShare));
  }, 120_000);

  it('consumer-pause: writes go on, plain reads stay old, token reads answer 503, and resuming catches up', async () => {
    const { finding } = await run(consumerPause);
    expect(finding).toMatchObject({ plainVersionWhilePaused: 1, tokenStatusWhilePaused: 503, lastVersion: 11 });
    expect(finding.caughtUpAfterResumeMs).toBeGreaterThanOrEqual(0);
  });
});
