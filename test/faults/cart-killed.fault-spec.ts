import { Client } from 'pg';
import { DEFAULT_OUTBOX_LOCK_KEY } from '@converge/outbox';
import { TestStack } from '../support/stack';
import { Cleanup } from '../support/cleanup';
import { FaultRun } from './support/fault-run';

const RELAY_LEADERS = `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
  WHERE l.locktype = 'advisory' AND l.granted AND l.objid = ${DEFAULT_OUTBOX_LOCK_KEY}
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

describe('fault: the Cart instance leading the outbox relay killed with SIGKILL mid-load, then restarted', () => {
  // Clients retry every unanswered write with its Idempotency-Key (through the survivor while
  // their instance is down), so the checker requires every write exactly once.
  const cleanup = new Cleanup();
  afterAll(() => cleanup.run());

  it('the standby relay takes over, the outbox loses nothing, and the read model converges', async () => {
    const stack = cleanup.add(await TestStack.start({ carts: 2 }), (s) => s.stop());
    const sql = cleanup.add(new Client({ connectionString: stack.cartDb.url }), (c) => c.end());
    await sql.connect();
    const leaders = async () =>
      (await sql.query<{ application_name: string }>(RELAY_LEADERS)).rows.map((row) => row.application_name);
    const unpublished = async () =>
      (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL')).rows[0].n;

    // Clients are spread over both instances: client i writes through Cart i % 2.
    const run = cleanup.add(await FaultRun.begin('b. Cart (relay leader) SIGKILL', stack, { exactlyOnce: true }), (r) =>
      r.stopLoad(),
    );
    await run.until('one relay leader', async () => (await leaders()).length === 1);
    await run.until('3 s of load', () => run.loadedFor(3000));

    const [leader] = await leaders();
    const index = stack.cart.findIndex((service) => leader === `cart-outbox-relay-${service.pid}`);
    expect(index).toBeGreaterThanOrEqual(0);
    const [leading, standby] = [stack.cart[index], stack.cart[1 - index]];
    const killed = run.writers[index];
    await leading.stop('SIGKILL');
    const down = run.now();
    // The standby takes the lock over and publishes what the killed leader left in the outbox,
    // while the survivor keeps acknowledging writes and the killed one's clients retry elsewhere.
    await run.until('the standby leads the relay', async () => {
      const now = await leaders();
      return now.length === 1 && now[0] === `cart-outbox-relay-${standby.pid}`;
    });
    const takeover = (run.now() - down) / 1000;
    await run.until(
      'writes acknowledged by the survivor, and writes sent to the killed instance retried',
      () =>
        run.writesSince(down, 'ok').length >= 30 &&
        run.writesSince(down).filter((op) => op.instance === killed.name && (op.attempts ?? 1) > 1).length >= 5,
    );

    const restarting = stack.startCart();
    await run.faultEnded();
    const restarted = run.replace(run.writers, killed, await restarting);
    await run.until(
      'writes acknowledged by the restarted Cart',
      () => run.writesSince(down, 'ok', restarted.name).length >= 30,
    );
    await run.until('9 s of load', () => run.loadedFor(9000));

    await run.finish();
    process.stdout.write(`[faults] b.: the standby led the relay ${takeover.toFixed(2)} s after the kill\n`);
    expect(await unpublished()).toBe(0);
    expect(run.writesSince(0, 'ok', killed.name).length).toBeGreaterThan(0);
    // Exactly once: every write answered, some of them only by a retry.
    expect(run.result?.summary.unansweredWrites).toBe(0);
    expect(run.recorder.writes.filter((op) => (op.attempts ?? 1) > 1).length).toBeGreaterThan(0);
  }, 120_000);
});
