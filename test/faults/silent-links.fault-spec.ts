import { Client } from 'pg';
import { DEFAULT_OUTBOX_LOCK_KEY } from '@converge/outbox';
import { Cleanup } from '../support/cleanup';
import { eventually } from '../support/eventually';
import { TestStack } from '../support/stack';
import { testPostgresUrl } from '../support/test-env';
import { FaultRun } from './support/fault-run';
import { SilentProxy } from './support/silent-proxy';

const RELAY_LEADERS = `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
  WHERE l.locktype = 'advisory' AND l.granted AND l.objid = ${DEFAULT_OUTBOX_LOCK_KEY}
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

/** The bound: a standby leads within this long of the leader's link going silent. */
const TAKEOVER_BOUND_MS = 10_000;
/** A consumer whose transaction's link went silent applies again within this long. */
const CONSUMER_RECOVERY_BOUND_MS = 25_000;

describe('fault: links to PostgreSQL go silent mid-load (no FIN, no RST): the relay leader, a LISTEN, a consumer transaction', () => {
  const cleanup = new Cleanup();
  afterAll(() => cleanup.run());

  it('the standby leads within 10 s, the listener and the consumer recover, and the history holds', async () => {
    const admin = cleanup.add(new Client({ connectionString: testPostgresUrl() }), (c) => c.end());
    await admin.connect();
    const cartProxy = cleanup.add(await SilentProxy.start(testPostgresUrl()), (p) => p.close());
    const queryProxy = cleanup.add(await SilentProxy.start(testPostgresUrl()), (p) => p.close());
    // Cart#0 (started alone, so it leads) and Cart-Query#0 reach their databases through the
    // proxies; the others directly. One at a time: a loaded machine starts them slowly.
    const stack = cleanup.add(
      await TestStack.start({
        carts: 1,
        queries: 0,
        cartEnv: (_, s) => ({ CART_DATABASE_URL: cartProxy.url(s.cartDb.url) }),
      }),
      (s) => s.stop(),
    );
    const [leading] = stack.cart;
    const proxiedQuery = await stack.startQuery({ CART_QUERY_DATABASE_URL: queryProxy.url(stack.queryDb.url) });
    await stack.startQuery();
    const sql = cleanup.add(new Client({ connectionString: stack.cartDb.url }), (c) => c.end());
    await sql.connect();
    const leaders = async () =>
      (await sql.query<{ application_name: string }>(RELAY_LEADERS)).rows.map((row) => row.application_name);
    const relayOf = (pid?: number) => `cart-outbox-relay-${pid}`;
    await eventually(async () => expect(await leaders()).toEqual([relayOf(leading.pid)]), 30_000);
    const standby = await stack.startCart();

    const run = cleanup.add(
      await FaultRun.begin('n. links to PostgreSQL silent: relay leader, LISTEN, consumer', stack),
      (r) => r.stopLoad(),
    );
    await run.until('3 s of load', () => run.loadedFor(3000));

    // 1. The leader's host is cut off: every link silent, new ones too.
    cartProxy.silenceNewLinks(true);
    const silenced = cartProxy.silence();
    const cut = run.now();
    await run.until(
      'the standby leads the relay',
      async () => (await leaders()).join() === relayOf(standby.pid),
      TAKEOVER_BOUND_MS + 20_000,
    );
    const takeoverMs = run.now() - cut;
    await run.until(
      'writes through the standby propagate',
      () => run.propagatedReadsSince(cut + takeoverMs).length >= 10,
    );
    // The network heals: new connections pass again (the silent ones stay silent, as half-open links do).
    cartProxy.silenceNewLinks(false);
    const healed = run.now();
    await run.until(
      'the cut-off Cart acknowledges writes again',
      () => run.writesSince(healed, 'ok', run.writers[0].name).length >= 10,
    );

    // 2. One Cart-Query's LISTEN connection goes silent: it notices and listens again.
    const listenerName = `cart-query-signals-${proxiedQuery.pid}`;
    const [{ now: listenCutAt }] = (await admin.query<{ now: Date }>('SELECT now()')).rows;
    const listeners = queryProxy.silence((link) => link.startup.includes(listenerName));
    const listenCut = run.now();
    await run.until('a new LISTEN connection', async () => {
      const { rows } = await admin.query(
        `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND backend_start > $2 AND query LIKE 'LISTEN%'`,
        [listenerName, listenCutAt],
      );
      return rows.length > 0;
    });
    const relistenMs = run.now() - listenCut;

    // 3. A consumer transaction's link goes silent right after it took its carts' locks.
    const consumerCut = queryProxy.silenceAfter(
      'pg_advisory_xact_lock',
      (link) => !link.startup.includes(listenerName),
    );
    await run.until('a consumer transaction cut mid-way', () => consumerCut.then(() => true), 20_000);
    const txCut = run.now();
    await run.until(
      'writes made after the cut propagate',
      () => run.propagatedReadsSince(txCut + 1000, txCut + 1000).length >= 30,
      CONSUMER_RECOVERY_BOUND_MS + 20_000,
    );
    const consumerRecoveryMs = run.now() - txCut;
    await run.faultEnded();
    await run.until('5 s of load after the last cut', () => run.now() - txCut >= consumerRecoveryMs + 5000, 60_000);

    await run.finish();
    process.stdout.write(
      `[faults] n.: ${silenced} leader links silenced, the standby led after ${(takeoverMs / 1000).toFixed(2)} s; ` +
        `${listeners} LISTEN link silenced, listening again after ${(relistenMs / 1000).toFixed(2)} s; ` +
        `a consumer transaction cut, writes propagating again after ${(consumerRecoveryMs / 1000).toFixed(2)} s\n`,
    );
    expect(silenced).toBeGreaterThanOrEqual(3);
    expect(listeners).toBe(1);
    expect(takeoverMs).toBeLessThan(TAKEOVER_BOUND_MS);
    expect(consumerRecoveryMs).toBeLessThan(CONSUMER_RECOVERY_BOUND_MS);
    expect(stack.cart.every((service) => !service.exited)).toBe(true);
    expect(stack.query.every((service) => !service.exited)).toBe(true);
  }, 240_000);
});
