import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { CartClient } from '../../support/cart-client';
import { eventually } from '../../support/eventually';
import type { ServiceProcess } from '../../support/service-process';
import type { TestStack } from '../../support/stack';
import { TEST_SESSION_SECRET } from '../../support/test-env';
import { checkHistory, describeViolations, type CheckResult } from '../history/checker';
import type { FinalCart, Observed, Operation, WriteOperation } from '../history/history';
import { type Endpoint, Recorder } from '../history/recorder';
import { Load } from './load';
import { recordRow, rowOf } from './results';

export interface FaultRunOptions {
  clients?: number;
  carts?: number;
  /** Most ms a client pauses between two of its operations. */
  pauseMs?: number;
  /** How long quiescence and catching up may take at most. */
  convergeTimeoutMs?: number;
  /**
   * Half the reads also ask for a Max-Staleness bound, and the checker judges every read's
   * X-Consistent-As-Of and every bound (checkHistory's 6.).
   */
  watermarks?: boolean;
  /**
   * Every write carries an Idempotency-Key and the clients retry an unanswered one with it, through
   * the Cart instances in turn, until answered; the checker then requires each write exactly once.
   */
  exactlyOnce?: boolean;
}

/** From "everything before my request" to a second: what a caller of bounded staleness asks. */
const MAX_STALENESS_BOUNDS_MS = [0, 100, 1000];

const endpoint = (name: string, service: ServiceProcess): Endpoint => ({ name, client: new CartClient(service.url) });

/**
 * One fault scenario on one stack: carts created, clients loading them with writes and token
 * reads (recorded), the fault injected by the scenario, then the load stopped, quiescence awaited
 * and the history checked. Times are on the recorder's clock (ms).
 */
export class FaultRun {
  readonly recorder: Recorder;
  /** The instances the clients call now; a scenario replaces one when it restarts it. */
  readonly writers: Endpoint[];
  readonly readers: Endpoint[];
  cartIds: string[] = [];
  /** The checker's verdict, once `finish` has judged the history (also when it then fails). */
  result?: CheckResult;
  private load?: Load;
  private faultEnd?: number;
  private catchUp?: Promise<number>;
  private names = 0;
  private dumped = false;
  private readonly tampered: Array<{ cartId: string; from: number; until: number }> = [];

  private constructor(
    readonly scenario: string,
    readonly stack: TestStack,
    private readonly options: FaultRunOptions,
  ) {
    this.recorder = new Recorder({
      sessionTokenSecret: TEST_SESSION_SECRET,
      retryUnanswered: options.exactlyOnce ? { through: () => this.writers } : undefined,
    });
    this.writers = stack.cart.map((service) => endpoint(`cart#${this.names++}`, service));
    this.readers = stack.query.map((service) => endpoint(`query#${this.names++}`, service));
  }

  /** Creates the carts (recorded, through the first Cart) and starts the load on them. */
  static async begin(scenario: string, stack: TestStack, options: FaultRunOptions = {}): Promise<FaultRun> {
    const run = new FaultRun(scenario, stack, options);
    const setup = run.recorder.session('setup');
    const created = await Promise.all(
      Array.from({ length: options.carts ?? 24 }, (_, i) => setup.createCart(run.writers[i % run.writers.length])),
    );
    const failed = created.filter((op) => op.outcome !== 'ok');
    if (failed.length > 0) throw new Error(`could not create the carts: ${failed.map((op) => op.status ?? op.error)}`);
    run.cartIds = created.map((op) => op.cartId);
    run.load = Load.start({
      recorder: run.recorder,
      cartIds: run.cartIds,
      clients: options.clients ?? 6,
      pauseMs: options.pauseMs ?? 20,
      writers: () => run.writers,
      readers: () => run.readers,
      maxStalenessMs: options.watermarks ? MAX_STALENESS_BOUNDS_MS : undefined,
    });
    return run;
  }

  now(): number {
    return this.recorder.now();
  }

  /** Points the clients at a restarted instance instead of the one it replaces. */
  replace(instances: Endpoint[], replaced: Endpoint, service: ServiceProcess): Endpoint {
    const next = endpoint(`${replaced.name.split('#')[0]}#${this.names++}`, service);
    instances[instances.indexOf(replaced)] = next;
    return next;
  }

  /** Waits (re-checking) until the condition holds; fails naming it after the timeout. */
  async until(description: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
    await eventually(async () => {
      if (!(await condition())) throw new Error(description);
    }, timeoutMs);
  }

  /** The load has run at least this long (load shape: how much history surrounds the fault). */
  loadedFor(ms: number): boolean {
    return this.load !== undefined && this.now() - this.load.startedAt >= ms;
  }

  /** Writes that began at or after `since`, by outcome, optionally first sent to one instance. */
  writesSince(since: number, outcome?: WriteOperation['outcome'], instance?: string): WriteOperation[] {
    return this.recorder.writes.filter(
      (op) => op.start >= since && (!outcome || op.outcome === outcome) && (!instance || op.instance === instance),
    );
  }

  /** Calls made to this instance that have not settled yet: sent, or being sent, and unanswered. */
  inFlight(instance: string): Operation[] {
    return this.recorder.operations.filter((op) => op.instance === instance && Number.isNaN(op.end));
  }

  /** Reads that began at or after `since` and were answered with this status. */
  readsSince(since: number, status = 200) {
    return this.recorder.reads.filter((op) => op.start >= since && op.status === status);
  }

  /**
   * Reads that began at or after `since`, answered 200, whose token required a write acknowledged
   * in [from, until): proof that such writes propagated, read through their session's token.
   */
  propagatedReadsSince(since: number, from = since, until = Number.POSITIVE_INFINITY) {
    const written = this.recorder.writes.filter((op) => op.outcome === 'ok' && op.start >= from && op.end < until);
    return this.readsSince(since).filter((read) =>
      written.some((write) => write.cartId === read.cartId && (read.required ?? -1) >= (write.version ?? 0)),
    );
  }

  /**
   * The fault is over: from now, time how long the read model takes to reach every cart's
   * version in the write model as it stands now (the load goes on meanwhile).
   */
  async faultEnded(): Promise<void> {
    this.faultEnd = this.now();
    const target = await this.writeVersions();
    let attempt = 0;
    this.catchUp = (async () => {
      await eventually(
        async () => {
          // Any instance answers for the one read model; take turns, in case one is down.
          const reader = this.readers[attempt++ % this.readers.length].client;
          const behind: string[] = [];
          await Promise.all(
            [...target].map(async ([cartId, version]) => {
              const answer = await reader.getCart(cartId);
              if (answer.status !== 200 || answer.body.version < version) behind.push(cartId);
            }),
          );
          if (behind.length > 0) throw new Error(`${behind.length} cart(s) behind the write model at the fault's end`);
        },
        this.options.convergeTimeoutMs ?? 60_000,
        25,
      );
      return this.now();
    })();
    this.catchUp.catch(() => undefined);
  }

  /**
   * The scenario damaged these views by hand from `from` until `until` (when it saw them
   * repaired): reads of them in between saw the damage, and the checker does not judge them.
   */
  damaged(cartIds: string[], from: number, until: number): void {
    for (const cartId of cartIds) this.tampered.push({ cartId, from, until });
  }

  /** Stops the load if it runs (also for clean-up after a failure, leaving the history to look into). */
  async stopLoad(): Promise<void> {
    await this.load?.stop();
    if (!this.dumped) this.dumpHistory([]);
  }

  /**
   * Stops the load, waits for quiescence (every cart equal in both models), checks the history,
   * leaves the scenario's row for the report, and fails with the violations if there are any.
   */
  async finish(): Promise<CheckResult> {
    await this.load?.stop();
    const loadEnd = this.now();
    let notCaughtUp: unknown;
    const caughtUp = await this.catchUp?.catch((error: unknown) => void (notCaughtUp = error));
    let finals: FinalCart[] = [];
    let quiesced: number | undefined;
    let notQuiesced: unknown;
    try {
      await eventually(
        async () => {
          finals = await this.finals();
          const unequal = finals.filter((final) => !equal(final.write, final.read));
          if (unequal.length > 0) throw new Error(`${unequal.length} cart(s) differ between the models`);
        },
        this.options.convergeTimeoutMs ?? 60_000,
        25,
      );
      quiesced = this.now();
    } catch (error) {
      notQuiesced = error;
      finals = await this.finals();
    }
    this.dumpHistory(finals);
    const result = checkHistory(this.recorder.operations, finals, {
      tampered: this.tampered,
      watermarks: this.options.watermarks,
      exactlyOnce: this.options.exactlyOnce,
    });
    this.result = result;
    const convergeSeconds =
      caughtUp !== undefined && this.faultEnd !== undefined ? (caughtUp - this.faultEnd) / 1000 : undefined;
    const quiesceSeconds = quiesced !== undefined ? (quiesced - loadEnd) / 1000 : undefined;
    const watermark = this.options.watermarks ? result.summary.watermark : undefined;
    recordRow(rowOf(this.scenario, result.summary, { convergeSeconds, quiesceSeconds, watermark }));
    const s = result.summary;
    process.stdout.write(
      `\n[faults] ${this.scenario}: ${s.operations} operations over ${(loadEnd / 1000).toFixed(1)} s; ` +
        `${s.writes} writes (${s.acknowledgedWrites} acknowledged, ${s.failedWrites} failed, ${s.unansweredWrites} unanswered); ` +
        `${s.reads} reads (${s.readsAnswered} answered, ${s.readsBehind} 503, ${s.readsFailed} failed` +
        `${this.options.watermarks ? `; ${this.boundedReads()}` : ''}); ` +
        `converged ${convergeSeconds?.toFixed(2) ?? '—'} s after the fault, quiesced ${quiesceSeconds?.toFixed(2) ?? '—'} s after the load\n`,
    );
    if (!result.ok) throw new Error(describeViolations(result));
    if (notQuiesced) throw notQuiesced;
    if (notCaughtUp) throw notCaughtUp;
    return result;
  }

  /** How the bounded reads went, and that the watermark claims were judged. */
  private boundedReads(): string {
    const bounded = this.recorder.reads.filter((op) => op.maxStalenessMs !== undefined);
    const answered = bounded.filter((op) => op.status === 200).length;
    const judged = this.recorder.reads.filter((op) => op.consistentAsOf !== undefined).length;
    return `${bounded.length} with Max-Staleness, ${answered} of them answered; ${judged} watermark claims judged`;
  }

  /** With FAULTS_HISTORY_DIR set, leaves the history and the final states there, to look into. */
  private dumpHistory(finals: FinalCart[]): void {
    const dir = process.env.FAULTS_HISTORY_DIR;
    if (!dir) return;
    this.dumped = true;
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${this.scenario.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.json`);
    writeFileSync(file, JSON.stringify({ scenario: this.scenario, operations: this.recorder.operations, finals }));
    const logs = [...this.stack.cart, ...this.stack.query].map(
      (service) => `== ${service.name} pid ${service.pid}\n${service.logs}`,
    );
    writeFileSync(file.replace(/\.json$/, '.log'), logs.join('\n'));
  }

  /** Every cart's version in the write model now, straight from Cart's database. */
  private async writeVersions(): Promise<Map<string, number>> {
    const sql = new Client({ connectionString: this.stack.cartDb.url });
    await sql.connect();
    try {
      const { rows } = await sql.query<{ id: string; version: number }>(
        'SELECT id::text, version FROM carts WHERE id = ANY($1::uuid[])',
        [this.cartIds],
      );
      return new Map(rows.map((row) => [row.id, row.version]));
    } finally {
      await sql.end();
    }
  }

  /** Every cart as Cart (write model) and Cart-Query (read model, no token) answer it now. */
  private finals(): Promise<FinalCart[]> {
    const observe = async (client: CartClient, cartId: string): Promise<Observed> => {
      try {
        const { status, body } = await client.getCart(cartId);
        return status === 200 ? { status, version: body.version, items: body.items } : { status };
      } catch {
        return { status: 0 };
      }
    };
    return Promise.all(
      this.cartIds.map(async (cartId) => ({
        cartId,
        write: await observe(this.writers[0].client, cartId),
        read: await observe(this.readers[0].client, cartId),
      })),
    );
  }
}

function equal(a: Observed, b: Observed): boolean {
  return a.status === 200 && b.status === 200 && a.version === b.version && sameItems(a, b);
}

function sameItems(a: Observed, b: Observed): boolean {
  return JSON.stringify(a.items) === JSON.stringify(b.items);
}
