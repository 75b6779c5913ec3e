import { TestStack } from '../support/stack';
import { Cleanup } from '../support/cleanup';
import { FaultRun } from './support/fault-run';
import { OwnKafkaBroker } from './support/own-kafka-broker';

const SESSION_WAIT_MS = 500;

/**
 * When the broker comes back before Cart-Query's consumer has used up its retries, the consumer's
 * offset commit answers UNKNOWN_MEMBER_ID and kafkajs abandons the consumer for good. This
 * scenario found that: the EventBroker adapter now starts a new consumer when kafkajs will not.
 */
describe('fault: the Kafka broker killed with SIGKILL mid-load, then restarted', () => {
  const cleanup = new Cleanup();
  afterAll(() => cleanup.run());

  it('writes stay available, token reads answer 503 within the bound, and everything converges after', async () => {
    // A broker of this scenario's own: the one the other suites share must not die.
    const kafka = cleanup.add(await OwnKafkaBroker.create(19092, 19093), (k) => k.destroy());
    await kafka.start();
    const stack = cleanup.add(
      await TestStack.start({ brokers: kafka.brokers, env: { SESSION_WAIT_MS: String(SESSION_WAIT_MS) } }),
      (s) => s.stop(),
    );
    const run = cleanup.add(await FaultRun.begin('c. Kafka broker SIGKILL', stack, { watermarks: true }), (r) =>
      r.stopLoad(),
    );
    await run.until('2.5 s of load', () => run.loadedFor(2500));

    await kafka.kill();
    const down = run.now();
    // Restarted at once: after a SIGKILL the KRaft broker takes some 15 s to answer again.
    const restarting = kafka.start();
    // While the broker is down, writes land in the outbox and are acknowledged; a read whose
    // token names a write that could not propagate waits the bound, then answers 503.
    await run.until(
      'writes acknowledged and token reads answered 503 while the broker is down',
      () => run.writesSince(down, 'ok').length >= 50 && run.readsSince(down, 503).length >= 5,
    );
    await restarting;
    const up = run.now();
    await run.faultEnded();
    // Writes the outage held back in the outbox propagate: their sessions' token reads answer 200.
    await run.until(
      'token reads of writes made during the outage answered 200',
      () => run.propagatedReadsSince(up, down, up).length >= 5,
      60_000,
    );
    await run.until('10 s of load', () => run.loadedFor(10_000));

    const result = await run.finish();
    const duringOutage = run.writesSince(down).filter((op) => op.end < up);
    expect(duringOutage.length).toBeGreaterThanOrEqual(50);
    expect(duringOutage.filter((op) => op.outcome !== 'ok')).toEqual([]);
    const behind = run.readsSince(0, 503);
    expect(behind.filter((op) => op.start >= down && op.end < up).length).toBeGreaterThanOrEqual(5);
    expect(behind.filter((op) => op.end - op.start >= SESSION_WAIT_MS + 1000)).toEqual([]);
    // A 503 is a bound not met in time: a token's version, or a staleness bound.
    expect(behind.every((op) => op.required !== undefined || op.maxStalenessMs !== undefined)).toBe(true);
    expect(result.summary.acknowledgedWrites).toBeGreaterThan(duringOutage.length);
  }, 150_000);
});
