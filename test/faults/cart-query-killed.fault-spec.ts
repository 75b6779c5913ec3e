import { TestStack } from '../support/stack';
import { Cleanup } from '../support/cleanup';
import { FaultRun } from './support/fault-run';

describe('fault: a Cart-Query instance killed with SIGKILL mid-load, then restarted', () => {
  const cleanup = new Cleanup();
  afterAll(() => cleanup.run());

  it('converges: no acknowledged write lost or doubled, read-your-writes and monotonic reads hold', async () => {
    // Two instances in one consumer group: sessions move between them, and the survivor serves
    // reads while the other is down (its partitions wait for the group to notice the death).
    const stack = cleanup.add(await TestStack.start({ queries: 2 }), (s) => s.stop());
    const run = cleanup.add(await FaultRun.begin('a. Cart-Query SIGKILL', stack, { watermarks: true }), (r) =>
      r.stopLoad(),
    );
    await run.until('3 s of load', () => run.loadedFor(3000));

    const [killed, survivor] = run.readers;
    await stack.query[0].stop('SIGKILL');
    const down = run.now();
    await run.until(
      'writes acknowledged and reads answered by the survivor while one Cart-Query is down',
      () =>
        run.writesSince(down, 'ok').length >= 30 &&
        run.readsSince(down).filter((op) => op.instance === survivor.name).length >= 20,
    );

    const restarting = stack.startQuery();
    await run.faultEnded();
    const restarted = run.replace(run.readers, killed, await restarting);
    await run.until(
      'reads answered by the restarted Cart-Query',
      () => run.readsSince(down).filter((op) => op.instance === restarted.name).length >= 30,
    );
    await run.until('9 s of load', () => run.loadedFor(9000));

    await run.finish();
  }, 120_000);
});
