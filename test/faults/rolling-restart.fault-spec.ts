import { type Admin, Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { type EventBroker, KafkajsEventBroker, readWatermark } from '@converge/kafka';
import { DEFAULT_OUTBOX_LOCK_KEY } from '@converge/outbox';
import { Cleanup } from '../support/cleanup';
import type { ServiceProcess } from '../support/service-process';
import { TestStack } from '../support/stack';
import { testKafkaBrokers, uniqueName } from '../support/test-env';
import { describeOperation, type Operation } from './history/history';
import type { Endpoint } from './history/recorder';
import { FaultRun } from './support/fault-run';

const RELAY_LEADERS = `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
  WHERE l.locktype = 'advisory' AND l.granted AND l.objid = ${DEFAULT_OUTBOX_LOCK_KEY}
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

/** A SIGTERMed instance finishes what it has in flight and exits 0 within this. */
const EXIT_BOUND_MS = 5000;
/** A standby relay leads within this of the leader's SIGTERM (it asks every second). */
const HANDOVER_BOUND_MS = 3000;

interface Instance {
  service: ServiceProcess;
  endpoint: Endpoint;
}

interface Restart {
  old: string;
  replacement: string;
  /** Spawning the replacement until it answered ready. */
  readyMs: number;
  /** The calls to the old instance in flight at its SIGTERM. */
  inFlight: Operation[];
  exitCode: number | null;
  /** SIGTERM until the old process was gone. */
  exitMs: number;
  /** Spawning the replacement until the old process was gone. */
  tookMs: number;
  /** SIGTERM until a surviving Cart led the relay, when the old instance led it. */
  handoverMs?: number;
}

interface Tally {
  pid?: number;
  applied: number;
  duplicates: number;
}

interface Outbox {
  rows: number;
  unpublished: number;
}

const relayName = (service: ServiceProcess) => `cart-outbox-relay-${service.pid}`;
const failedCall = (op: Operation) => op.status === undefined || op.status >= 500;

describe('fault: rolling restart of both services with SIGTERM under load', () => {
  const cleanup = new Cleanup();
  afterAll(() => cleanup.run());

  it('in-flight calls are answered, each instance exits 0, offsets and marks are kept: nothing lost or doubled', async () => {
    // At log level each Cart-Query logs its consumer's tally as it stops.
    const stack = cleanup.add(await TestStack.start({ carts: 2, queries: 2, env: { LOG_LEVEL: 'log' } }), (s) =>
      s.stop(),
    );
    const sql = cleanup.add(new Client({ connectionString: stack.cartDb.url }), (c) => c.end());
    await sql.connect();
    const brokers = testKafkaBrokers().split(',');
    const broker = cleanup.add(
      new KafkajsEventBroker({ clientId: 'rolling-restart', brokers, logLevel: 'error' }),
      (b) => b.disconnect(),
    );
    const admin = new Kafka({ clientId: 'rolling-restart-admin', brokers, logLevel: logLevel.ERROR }).admin();
    await admin.connect();
    cleanup.add(admin, (a) => a.disconnect());
    const leaders = async () =>
      (await sql.query<{ application_name: string }>(RELAY_LEADERS)).rows.map((row) => row.application_name);
    const leads = async (service: ServiceProcess) => (await leaders()).includes(relayName(service));

    const run = cleanup.add(await FaultRun.begin('g. rolling SIGTERM restart of both services', stack), (r) =>
      r.stopLoad(),
    );
    const carts: Instance[] = stack.cart.map((service, i) => ({ service, endpoint: run.writers[i] }));
    const queries: Instance[] = stack.query.map((service, i) => ({ service, endpoint: run.readers[i] }));
    await run.until('one relay leader', async () => (await leaders()).length === 1);
    await run.until('3 s of load', () => run.loadedFor(3000));

    /**
     * One step of a rolling deploy behind a load balancer: the replacement starts and becomes
     * ready; the balancer routes new calls to it (run.replace) and only then is the old instance
     * SIGTERMed, while calls it accepted are still in flight. This is the order a rolling deploy
     * must have for HTTP/1.1 keep-alive clients not to see resets: a server can only close an idle
     * keep-alive connection safely once nobody will send on it, so taking an instance out of
     * rotation comes first (Kubernetes: a preStop delay covering the endpoint removal; a cloud
     * balancer: deregistration before stop). SIGTERM's contract is then to finish the calls in
     * flight, hand the relay and the partitions over with nothing left unmarked or uncommitted,
     * and exit 0. In this order no call meets a refused connection, so the clients retry nothing:
     * a refusal would be the balancer's fault, sending to an instance it had already let go.
     */
    const restart = async (
      old: Instance,
      instances: Endpoint[],
      start: () => Promise<ServiceProcess>,
    ): Promise<Restart> => {
      const began = run.now();
      const replacement = await start();
      const readyMs = run.now() - began;
      const ledRelay = old.service.name === 'cart' && (await leads(old.service));
      await run.until(`a call in flight at ${old.endpoint.name}`, () => run.inFlight(old.endpoint.name).length > 0);
      // In one tick: the balancer stops routing to the old instance, which is SIGTERMed.
      const next = run.replace(instances, old.endpoint, replacement);
      const inFlight = run.inFlight(old.endpoint.name);
      const exited = old.service.stop('SIGTERM').then((code) => ({ code, at: run.now() }));
      const sigterm = run.now();
      const handoverMs = ledRelay ? await untilHandedOver(old.service, sigterm) : undefined;
      await run.until(`${old.endpoint.name} exited`, () => old.service.exited, EXIT_BOUND_MS * 3);
      const exit = await exited;
      const step: Restart = {
        old: old.endpoint.name,
        replacement: next.name,
        readyMs,
        inFlight,
        exitCode: exit.code,
        exitMs: exit.at - sigterm,
        tookMs: exit.at - began,
        handoverMs,
      };
      process.stdout.write(`[faults] g.: ${describeRestart(step)}\n`);
      return step;
    };
    /** How long after the leader's SIGTERM a surviving Cart held the relay's lock. */
    const untilHandedOver = async (leader: ServiceProcess, sigterm: number): Promise<number> => {
      await run.until(
        'a surviving Cart leads the relay',
        async () => {
          const now = await leaders();
          return now.length === 1 && now[0] !== relayName(leader);
        },
        HANDOVER_BOUND_MS * 3,
      );
      return run.now() - sigterm;
    };

    const restarts: Restart[] = [];
    for (const old of carts) restarts.push(await restart(old, run.writers, () => stack.startCart()));
    for (const old of queries) restarts.push(await restart(old, run.readers, () => stack.startQuery()));
    const rolled = run.now();
    await run.faultEnded();
    await run.until(
      'writes and token reads answered by the new instances',
      () => run.writesSince(rolled, 'ok').length >= 30 && run.propagatedReadsSince(rolled).length >= 20,
    );

    await run.finish();
    // The relays stop first: an idle one writes a watermark every second, which would land after
    // the consumers stopped. Then the consumers catch up with the last record before they stop.
    await Promise.all(stack.cart.filter((service) => !service.exited).map((s) => s.stop()));
    await run.until('the group has consumed every record', async () =>
      (await broker.consumerLag(stack.groupId, stack.topic)).every((partition) => partition.lag === 0),
    );
    // The replacements stop too, so that every Cart-Query's whole tally is in its log.
    const lastExits = await Promise.all(stack.query.filter((service) => !service.exited).map((s) => s.stop()));
    const consumed = stack.query.map(consumedBy);
    const outbox = (
      await sql.query<{ rows: number; unpublished: number }>(
        'SELECT count(*)::int AS rows, (count(*) FILTER (WHERE published_at IS NULL))::int AS unpublished FROM outbox',
      )
    ).rows[0];
    const messages = await eventsIn(broker, admin, stack.topic);
    const lag = await broker.consumerLag(stack.groupId, stack.topic);

    report(run, restarts, consumed, outbox, messages);
    // Every call that was sent was answered, and not with a server error; none was refused either,
    // since the balancer sent nothing to an instance after its SIGTERM.
    expect(run.recorder.operations.filter(failedCall).map(describeOperation)).toEqual([]);
    for (const step of restarts) {
      expect({ step: step.old, unanswered: step.inFlight.filter(failedCall).map(describeOperation) }).toEqual({
        step: step.old,
        unanswered: [],
      });
      expect({ step: step.old, exitCode: step.exitCode }).toEqual({ step: step.old, exitCode: 0 });
      expect(step.exitMs).toBeLessThan(EXIT_BOUND_MS);
      if (step.handoverMs !== undefined) expect(step.handoverMs).toBeLessThan(HANDOVER_BOUND_MS);
    }
    expect(lastExits).toEqual(lastExits.map(() => 0));
    // Each restart had calls in flight at its SIGTERM, and at least one moved the relay.
    expect(restarts.filter((step) => step.inFlight.length === 0).map((step) => step.old)).toEqual([]);
    expect(restarts.filter((step) => step.handoverMs !== undefined).length).toBeGreaterThanOrEqual(1);
    // Committed on the way out: no instance consumed what another had applied, and across all
    // four instances every event was applied exactly once.
    expect(consumed.map((tally) => tally.duplicates)).toEqual(consumed.map(() => 0));
    expect(consumed.reduce((sum, tally) => sum + tally.applied, 0)).toBe(outbox.rows);
    // Marked on the way out: every row went out, once (the idempotent producer adds no copies of
    // its own, so a copy on the topic would be a re-publish). The relay's watermark records are not rows.
    expect(outbox.unpublished).toBe(0);
    expect(messages).toBe(outbox.rows);
    // And the group's committed offsets reached the end of every partition.
    expect(lag.filter((partition) => partition.lag !== 0)).toEqual([]);
  }, 150_000);
});

/** The tally a Cart-Query logs once its consumer has left the group (ConsumerStats). */
function consumedBy(service: ServiceProcess): Tally {
  const line = /events consumed: (.*)$/m.exec(service.logs);
  if (!line) throw new Error(`${service.name} pid ${service.pid} logged no tally: it did not shut down cleanly`);
  const counts = new Map(line[1].split(' ').map((pair) => pair.split('=') as [string, string]));
  return { pid: service.pid, applied: Number(counts.get('applied')), duplicates: Number(counts.get('duplicates')) };
}

/**
 * The events on the topic, read back whole by a group of its own: every record but the relay's
 * watermarks, which carry no event.
 */
async function eventsIn(broker: EventBroker, admin: Admin, topic: string): Promise<number> {
  const total = await messagesIn(admin, topic);
  let seen = 0;
  let events = 0;
  let readAll!: () => void;
  const whole = new Promise<void>((resolve) => (readAll = resolve));
  const subscription = await broker.subscribe({
    topic,
    groupId: uniqueName('rolling-restart-count'),
    handleBatch: async (batch) => {
      for (const message of batch.messages) {
        seen += 1;
        if (readWatermark(message) === undefined) events += 1;
      }
      if (seen >= total) readAll();
    },
  });
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`read ${seen} of ${total} records of ${topic} in 30 s`)), 30_000).unref(),
  );
  try {
    await Promise.race([whole, timeout]);
    return events;
  } finally {
    await subscription.stop();
  }
}

/** Every record ever written to the topic: high minus low offset, summed over partitions. */
async function messagesIn(admin: Admin, topic: string): Promise<number> {
  const partitions = await admin.fetchTopicOffsets(topic);
  return partitions.reduce((sum, { high, low }) => sum + Number(BigInt(high) - BigInt(low)), 0);
}

function report(run: FaultRun, restarts: Restart[], consumed: Tally[], outbox: Outbox, messages: number): void {
  const tallies = consumed.map((tally) => `pid ${tally.pid} applied ${tally.applied}, ${tally.duplicates} duplicates`);
  const refused = run.recorder.operations.filter((op) => op.error === 'ECONNREFUSED').length;
  process.stdout.write(
    `[faults] g.: ${refused} calls refused; Cart-Query consumers: ${tallies.join('; ')}; ` +
      `outbox ${outbox.rows} rows (${outbox.unpublished} unpublished), ${messages} events on the topic\n` +
      restarts.map((step) => `  ${describeRestart(step)}\n`).join(''),
  );
}

function describeRestart(step: Restart): string {
  return (
    `${step.old} → ${step.replacement} in ${(step.tookMs / 1000).toFixed(2)} s: ready in ${(step.readyMs / 1000).toFixed(2)} s, ` +
    `${step.inFlight.length} call(s) in flight at SIGTERM, exit ${step.exitCode} after ${(step.exitMs / 1000).toFixed(2)} s` +
    (step.handoverMs !== undefined ? `, relay led by a survivor after ${(step.handoverMs / 1000).toFixed(2)} s` : '')
  );
}
