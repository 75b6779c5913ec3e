import { Client } from 'pg';
import { TestStack } from '../support/stack';
import { testPostgresUrl } from '../support/test-env';
import { Cleanup } from '../support/cleanup';
import { FaultRun } from './support/fault-run';

const TERMINATIONS = 3;
/** Then the database refuses every connection for this long: briefly unreachable. */
const CLOSED_MS = 3000;

describe("fault: the read model's database connections terminated, several times mid-load, then the database closed", () => {
  const cleanup = new Cleanup();
  afterAll(() => cleanup.run());

  it('the consumer retries without losing or skipping an event, and the read side recovers', async () => {
    const stack = cleanup.add(await TestStack.start(), (s) => s.stop());
    // On the server's maintenance database: this connection is not among those terminated.
    const admin = cleanup.add(new Client({ connectionString: testPostgresUrl() }), (c) => c.end());
    await admin.connect();
    const queryDb = decodeURIComponent(new URL(stack.queryDb.url).pathname.slice(1));
    const terminate = async () =>
      (
        await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
          [queryDb],
        )
      ).rowCount ?? 0;

    const run = cleanup.add(
      await FaultRun.begin('d. read-model DB connections terminated 3×, then DB closed 3 s', stack),
      (r) => r.stopLoad(),
    );
    await run.until('2.5 s of load', () => run.loadedFor(2500));

    const terminated: number[] = [];
    for (let i = 0; i < TERMINATIONS; i++) {
      terminated.push(await terminate());
      const at = run.now();
      // Recovered: a write made after the termination is read through its session's token.
      await run.until(
        `writes propagate again after termination ${i + 1}`,
        () => run.propagatedReadsSince(at).length >= 5,
      );
      await run.until('1.5 s between terminations', () => run.now() - at >= 1500);
    }

    // Briefly unreachable: every connection ended and refused while writes go on.
    cleanup.add(stack.queryDb, (db) => db.setClosed(false));
    await stack.queryDb.setClosed(true);
    const closed = run.now();
    await run.until('the database closed for 3 s', () => run.now() - closed >= CLOSED_MS, CLOSED_MS + 5000);
    // Before the call: a read waiting on a connection may be answered the moment the server reopens,
    // while the call is still on its way back.
    const reopening = run.now();
    await stack.queryDb.setClosed(false);
    const reopened = run.now();
    await run.faultEnded();
    await run.until(
      'writes made while closed propagate',
      () => run.propagatedReadsSince(reopened, closed, reopened).length >= 5,
    );
    await run.until('13 s of load', () => run.loadedFor(13_000));

    await run.finish();
    // While closed, reads were refused as unavailable (503), never failed with another 5xx.
    const whileClosed = run.recorder.reads.filter((op) => op.start >= closed + 200 && op.end < reopening);
    expect(whileClosed.length).toBeGreaterThan(0);
    expect(whileClosed.filter((op) => op.status !== 503)).toEqual([]);
    expect(run.recorder.reads.filter((op) => (op.status ?? 0) >= 500 && op.status !== 503)).toEqual([]);
    // Each time, the service's connections (pool, LISTEN) were there to be terminated.
    expect(terminated.every((count) => count > 0)).toBe(true);
    expect(stack.query[0].exited).toBe(false);
    const retries = stack.query[0].logs.match(/failed \(attempt \d+\)/g)?.length ?? 0;
    process.stdout.write(
      `[faults] d.: terminated ${terminated.join(', ')} connections; consumer batch retries logged: ${retries}\n`,
    );
  }, 120_000);
});
