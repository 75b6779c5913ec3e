import { Client } from 'pg';
import { TestStack } from '../support/stack';
import { testPostgresUrl } from '../support/test-env';
import { Cleanup } from '../support/cleanup';
import { FaultRun } from './support/fault-run';

const TERMINATIONS = 3;

describe("fault: the read model's database connections terminated, several times mid-load", () => {
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

    const run = cleanup.add(await FaultRun.begin('d. read model DB connections terminated', stack), (r) =>
      r.stopLoad(),
    );
    await run.until('2.5 s of load', () => run.loadedFor(2500));

    const terminated: number[] = [];
    for (let i = 0; i < TERMINATIONS; i++) {
      terminated.push(await terminate());
      const at = run.now();
      if (i === TERMINATIONS - 1) await run.faultEnded();
      // Recovered: a write made after the termination is read through its session's token.
      await run.until(
        `writes propagate again after termination ${i + 1}`,
        () => run.propagatedReadsSince(at).length >= 5,
      );
      await run.until('1.5 s between terminations', () => run.now() - at >= 1500);
    }
    await run.until('9 s of load', () => run.loadedFor(9000));

    await run.finish();
    // Each time, the service's connections (pool, LISTEN) were there to be terminated.
    expect(terminated.every((count) => count > 0)).toBe(true);
    expect(stack.query[0].exited).toBe(false);
    const retries = stack.query[0].logs.match(/failed \(attempt \d+\)/g)?.length ?? 0;
    process.stdout.write(
      `[faults] d.: terminated ${terminated.join(', ')} connections; consumer batch retries logged: ${retries}\n`,
    );
  }, 120_000);
});
