import {
  describeItems,
  describeOperation,
  isAcknowledged,
  type FinalCart,
  type Item,
  type Observed,
  type Operation,
  type ReadOperation,
  type WriteOperation,
} from './history';

/**
 * - lost: an acknowledged write missing from the write or the read model;
 * - doubled: a change counted more than once, or one nobody made;
 * - ryw: a read that did not see what its token (or its session's own writes) required;
 * - monotonic: a read older than one the same session already saw;
 * - diverged: the read model not equal to the write model at the end, or a read answering a
 *   version with other items than the write model had at that version;
 * - watermark: a read whose X-Consistent-As-Of is false (it misses a write acknowledged before
 *   it), or a Max-Staleness read answered with a watermark older than its bound;
 * - ambiguous: with `exactlyOnce`, a write left without an answer (it may or may not have happened).
 */
export type ViolationKind = 'lost' | 'doubled' | 'ryw' | 'monotonic' | 'diverged' | 'watermark' | 'ambiguous';

export interface Violation {
  kind: ViolationKind;
  cartId: string;
  session?: string;
  message: string;
  /** The operation at fault, when one is. */
  operation?: Operation;
  /** The cart's operations leading up to it (of the session, for session rules). */
  history: Operation[];
}

export interface CheckSummary {
  operations: number;
  writes: number;
  acknowledgedWrites: number;
  /** Writes that certainly did not happen (rejected, or never reached a server). */
  failedWrites: number;
  /** Writes without an answer: they may or may not have happened. */
  unansweredWrites: number;
  reads: number;
  /** Reads answered 200. */
  readsAnswered: number;
  /** Reads answered 503: the read model had not reached the token within the wait bound. */
  readsBehind: number;
  /** Reads answered otherwise, or not at all. */
  readsFailed: number;
  carts: number;
  lost: number;
  doubled: number;
  ryw: number;
  monotonic: number;
  diverged: number;
  watermark: number;
  ambiguous: number;
  violations: number;
}

export interface CheckResult {
  ok: boolean;
  summary: CheckSummary;
  /** The first few violations, each with its history. */
  violations: Violation[];
}

export interface CheckOptions {
  /** How many violations to keep, with their history (all are counted). */
  keep?: number;
  /** How many operations of history to keep per violation. */
  historyLength?: number;
  /** Views damaged by hand (client clock, ms): reads of them in the window are not judged. */
  tampered?: Array<{ cartId: string; from: number; until: number }>;
  /**
   * Judge what reads claim of their freshness (6.). Off where a scenario takes events away from
   * the consumer behind the watermarks' back (records deleted, a history truncated): the claim
   * only holds for a consumer that read its partitions whole.
   */
  watermarks?: boolean;
  /**
   * The clients retried every unanswered write with its Idempotency-Key until answered: every
   * write must have an answer, so each happened exactly once (acknowledged) or not at all (refused),
   * and the counts of 1. and 5. are exact. A write still unanswered is a violation.
   */
  exactlyOnce?: boolean;
}

/**
 * Judges a history at quiescence, given every cart's final state in the write and the read
 * model. Per cart and per session:
 * 1. every acknowledged write is in the write model (its version ≤ the model's) and in the read
 *    model; when the history holds the cart's creation, the write model's version counts the
 *    writes: exactly the acknowledged ones when none went unanswered, else between the
 *    acknowledged and the acknowledged plus the unanswered ones; two acknowledgements of one
 *    version, or a read of a version the write model never reached, is a double;
 * 2. the read model equals the write model (version and items), and every read of a version the
 *    write model was seen at (by a write's answer or the final read) answered the same items;
 * 3. every read that carried a token answered a version ≥ what the token required of that cart
 *    (a 404 for a required cart is a violation too; a 503 is not: the wait is bounded), answered
 *    a token covering the version it returned, and saw the session's own acknowledged writes;
 * 4. monotonic reads: a session's read is never older than a read the session saw before;
 * 5. nothing counted twice: for a cart changed only by add-item, each sku's final quantity lies
 *    between the sum of its acknowledged adds and that plus its unanswered ones;
 * 6. with `watermarks`: a read (200 or 404) consistent as of W holds every write acknowledged
 *    before W, on the wall clock; a read with Max-Staleness m answered 200 says W ≥ its start − m.
 * "Before" is real time on the client's clock: the earlier operation ended before the later began.
 * Reads of a view a scenario damaged by hand, from the damage until its repair, are not judged:
 * they saw the damage, not the system; the final states and every other read still are.
 */
export function checkHistory(history: Operation[], finals: FinalCart[], options: CheckOptions = {}): CheckResult {
  const keep = options.keep ?? 5;
  const historyLength = options.historyLength ?? 12;
  const violations: Violation[] = [];
  const judged = history.filter(
    (op) => op.cartId !== '' && !(op.type === 'read' && tamperedWith(op, options.tampered)),
  );
  const byCart = groupBy(judged, (op) => op.cartId);
  const finalByCart = new Map(finals.map((final) => [final.cartId, final]));
  const cartIds = new Set([...byCart.keys(), ...finalByCart.keys()]);

  const report = (violation: Omit<Violation, 'history'>, context: Operation[]) => {
    const upTo = violation.operation ? context.filter((op) => op.start <= violation.operation!.start) : context;
    violations.push({ ...violation, history: upTo.slice(-historyLength) });
  };

  if (options.exactlyOnce) {
    for (const op of history) {
      if (op.type !== 'write' || op.outcome !== 'unknown') continue;
      report(
        {
          kind: 'ambiguous',
          cartId: op.cartId,
          session: op.session,
          operation: op,
          message: `a write was left unanswered after ${op.attempts ?? 1} attempt(s) with its key: it may or may not have happened`,
        },
        history.filter((other) => other.session === op.session),
      );
    }
  }

  for (const cartId of cartIds) {
    const ops = byCart.get(cartId) ?? [];
    checkCart(cartId, ops, finalByCart.get(cartId), report);
    if (options.watermarks) checkWatermarks(cartId, ops, report);
    for (const sessionOps of groupBy(ops, (op) => op.session).values()) checkSession(cartId, sessionOps, ops, report);
  }

  const writes = history.filter((op): op is WriteOperation => op.type === 'write');
  const reads = history.filter((op): op is ReadOperation => op.type === 'read');
  const count = (kind: ViolationKind) => violations.filter((violation) => violation.kind === kind).length;
  const summary: CheckSummary = {
    operations: history.length,
    writes: writes.length,
    acknowledgedWrites: writes.filter((op) => op.outcome === 'ok').length,
    failedWrites: writes.filter((op) => op.outcome === 'failed').length,
    unansweredWrites: writes.filter((op) => op.outcome === 'unknown').length,
    reads: reads.length,
    readsAnswered: reads.filter((op) => op.status === 200).length,
    readsBehind: reads.filter((op) => op.status === 503).length,
    readsFailed: reads.filter((op) => op.status !== 200 && op.status !== 503).length,
    carts: cartIds.size,
    lost: count('lost'),
    doubled: count('doubled'),
    ryw: count('ryw'),
    monotonic: count('monotonic'),
    diverged: count('diverged'),
    watermark: count('watermark'),
    ambiguous: count('ambiguous'),
    violations: violations.length,
  };
  return { ok: violations.length === 0, summary, violations: violations.slice(0, keep) };
}

type Report = (violation: Omit<Violation, 'history'>, context: Operation[]) => void;

function checkCart(cartId: string, ops: Operation[], final: FinalCart | undefined, report: Report): void {
  const writes = ops.filter((op): op is WriteOperation => op.type === 'write');
  const changes = writes.filter((op) => op.action !== 'create');
  const acknowledged = changes.filter((op) => op.outcome === 'ok');
  const unanswered = changes.filter((op) => op.outcome === 'unknown');
  const created = writes.some((op) => op.action === 'create' && op.outcome === 'ok');
  const cartWrites = writes as Operation[];

  if (!final) {
    if (created || acknowledged.length > 0) {
      report({ kind: 'lost', cartId, message: 'no final state was given for a cart the history wrote' }, cartWrites);
    }
    return;
  }

  // 1. Every acknowledged write is in both models.
  for (const [model, observed] of [
    ['write', final.write],
    ['read', final.read],
  ] as const) {
    if (observed.status !== 200 || observed.version === undefined) {
      if (created || acknowledged.length > 0) {
        report(
          { kind: 'lost', cartId, message: `the ${model} model answers ${observed.status} for a cart written` },
          cartWrites,
        );
      }
      continue;
    }
    const missing = acknowledged.filter((op) => op.version !== undefined && op.version > observed.version!);
    if (missing.length > 0) {
      report(
        {
          kind: 'lost',
          cartId,
          operation: missing[0],
          message:
            `${missing.length} acknowledged write(s) missing from the ${model} model: it is at v${observed.version}, ` +
            `they were acknowledged at v${missing.map((op) => op.version).join(', v')}`,
        },
        cartWrites,
      );
    }
  }

  // Two acknowledgements of one version: one of the two changes is not in the cart. A clear of
  // an empty cart is acknowledged at the version it found, so it may share one.
  const changing = acknowledged.filter((op) => op.action !== 'clear');
  for (const same of groupBy(changing, (op) => String(op.version)).values()) {
    if (same.length > 1) {
      report(
        {
          kind: 'lost',
          cartId,
          operation: same[1],
          message: `${same.length} writes were acknowledged at the same version v${same[0].version}`,
        },
        cartWrites,
      );
    }
  }

  // The version counts the changes, when the history holds them all (it created the cart).
  const writeVersion = final.write.status === 200 ? final.write.version : undefined;
  if (created && writeVersion !== undefined) {
    const least = changing.length;
    const most = acknowledged.length + unanswered.length;
    const bounds = least === most ? `exactly ${least}` : `${least}…${most}`;
    if (writeVersion < least) {
      report(
        {
          kind: 'lost',
          cartId,
          message: `the write model is at v${writeVersion} after ${bounds} changes (${least} acknowledged)`,
        },
        cartWrites,
      );
    } else if (writeVersion > most) {
      report(
        {
          kind: 'doubled',
          cartId,
          message:
            `the write model is at v${writeVersion} after ${bounds} changes ` +
            `(${least} acknowledged, ${unanswered.length} unanswered)`,
        },
        cartWrites,
      );
    }
  }

  // 2. The read model equals the write model.
  if (final.write.status === 200 && !sameState(final.write, final.read)) {
    report(
      {
        kind: 'diverged',
        cartId,
        message: `read model ${describeObserved(final.read)} ≠ write model ${describeObserved(final.write)}`,
      },
      ops,
    );
  }

  // What the write model held at each version it was seen at.
  const known = new Map<number, Item[]>();
  for (const op of acknowledged) if (op.version !== undefined && op.items) known.set(op.version, op.items);
  for (const op of writes) if (op.action === 'create' && op.outcome === 'ok') known.set(0, op.items ?? []);
  if (writeVersion !== undefined && final.write.items) {
    const answered = known.get(writeVersion);
    if (answered && !sameItems(answered, final.write.items)) {
      report(
        {
          kind: 'diverged',
          cartId,
          message:
            `the write model holds ${describeItems(final.write.items)} at v${writeVersion}, ` +
            `but a write was acknowledged at v${writeVersion} with ${describeItems(answered)}`,
        },
        cartWrites,
      );
    }
    known.set(writeVersion, final.write.items);
  }

  for (const read of ops.filter((op): op is ReadOperation => op.type === 'read' && op.status === 200)) {
    if (read.version === undefined) continue;
    if (writeVersion !== undefined && read.version > writeVersion) {
      report(
        {
          kind: 'doubled',
          cartId,
          session: read.session,
          operation: read,
          message: `a read answered v${read.version}, a version the write model (at v${writeVersion}) never reached`,
        },
        ops,
      );
      continue;
    }
    const expected = known.get(read.version);
    if (expected && !sameItems(expected, read.items ?? [])) {
      report(
        {
          kind: 'diverged',
          cartId,
          session: read.session,
          operation: read,
          message: `a read answered v${read.version} with ${describeItems(read.items)}; the write model had ${describeItems(expected)}`,
        },
        ops,
      );
    }
  }

  // 5. Nothing counted twice, for carts changed by add-item and clear only, counting the adds
  // since the last acknowledged clear. A clear left unanswered could have wiped any of them.
  const onlyAddsAndClears = changes.every(
    (op) => op.action === 'clear' || (op.action === 'add-item' && op.request?.quantity !== undefined),
  );
  if (created && onlyAddsAndClears && !unanswered.some((op) => op.action === 'clear')) {
    const lastClear = Math.max(-1, ...acknowledged.filter((op) => op.action === 'clear').map((op) => op.version ?? -1));
    const adds = changes.filter(
      (op) => op.action === 'add-item' && (op.outcome !== 'ok' || (op.version ?? -1) > lastClear),
    );
    checkQuantities(cartId, adds, final, report);
  }
}

function checkQuantities(cartId: string, adds: WriteOperation[], final: FinalCart, report: Report): void {
  const acknowledged = new Map<string, number>();
  const unanswered = new Map<string, number[]>();
  for (const op of adds) {
    if (op.outcome === 'failed' || !op.request) continue;
    const { sku, quantity = 0 } = op.request;
    if (op.outcome === 'ok') acknowledged.set(sku, (acknowledged.get(sku) ?? 0) + quantity);
    else unanswered.set(sku, [...(unanswered.get(sku) ?? []), quantity]);
  }
  for (const [model, observed] of [
    ['write', final.write],
    ['read', final.read],
  ] as const) {
    if (observed.status !== 200 || !observed.items) continue;
    const counted = new Map(observed.items.map((item) => [item.sku, item.quantity]));
    for (const sku of new Set([...acknowledged.keys(), ...unanswered.keys(), ...counted.keys()])) {
      const quantity = counted.get(sku) ?? 0;
      const low = acknowledged.get(sku) ?? 0;
      const maybe = unanswered.get(sku) ?? [];
      const high = low + maybe.reduce((sum, n) => sum + n, 0);
      const expected = low === high ? `${low}` : `${low}…${high}`;
      const history = adds.filter((op) => op.request?.sku === sku);
      if (quantity < low) {
        report(
          {
            kind: 'lost',
            cartId,
            message: `the ${model} model counts ${sku}×${quantity}, the acknowledged adds sum to ${expected}`,
          },
          history,
        );
      } else if (quantity > high || !reachable(quantity - low, maybe)) {
        report(
          {
            kind: 'doubled',
            cartId,
            message:
              `the ${model} model counts ${sku}×${quantity}: no count of the adds makes it ` +
              `(${low} acknowledged${maybe.length ? `, plus any of ${maybe.join(', ')} unanswered` : ''})`,
          },
          history,
        );
      }
    }
  }
}

/** Whether some of the unanswered adds (each at most once) sum to `target`; past 24 of them, any total in range. */
function reachable(target: number, quantities: number[]): boolean {
  const total = quantities.reduce((sum, n) => sum + n, 0);
  if (target < 0 || target > total) return false;
  if (quantities.length > 24) return true;
  let sums = new Set([0]);
  for (const quantity of quantities) sums = new Set([...sums, ...[...sums].map((sum) => sum + quantity)]);
  return sums.has(target);
}

/** 3 and 4, over one session's operations on one cart; at most one violation of each kind per read. */
function checkSession(cartId: string, ops: Operation[], cartOps: Operation[], report: Report): void {
  for (const read of ops.filter((op): op is ReadOperation => op.type === 'read')) {
    const before = ops.filter((op) => op.end < read.start);
    const answered = read.status === 200 && read.version !== undefined;
    const version = read.version ?? -1;
    const got = answered ? `v${version}` : String(read.status);
    const behind = (floor: number) => floor >= 0 && (read.status === 404 || (answered && version < floor));
    const ryw: string[] = [];

    if (read.required !== undefined && behind(read.required)) {
      ryw.push(`a token requiring v${read.required} was answered ${got}`);
    }
    if (answered && read.covered !== undefined && read.covered < version) {
      ryw.push(`the token answered with v${version} covers only v${read.covered}`);
    }
    if (read.tokenSent !== undefined) {
      const ownWrites = before.filter((op): op is WriteOperation => op.type === 'write' && op.outcome === 'ok');
      const written = Math.max(-1, ...ownWrites.map((op) => op.version ?? -1));
      if (behind(written)) {
        ryw.push(`the session's own write was acknowledged at v${written}, its later read answered ${got}`);
      }
      const seen = before.filter((op): op is ReadOperation => op.type === 'read' && op.status === 200);
      const newest = Math.max(-1, ...seen.map((op) => op.version ?? -1));
      if (behind(newest)) {
        report(
          {
            kind: 'monotonic',
            cartId,
            session: read.session,
            operation: read,
            message: `the session read v${newest} before, then ${got} (from ${read.instance})`,
          },
          cartOps,
        );
      }
    }
    if (ryw.length > 0) {
      report({ kind: 'ryw', cartId, session: read.session, operation: read, message: ryw.join('; ') }, cartOps);
    }
  }
}

/** 6. What each read claimed of its freshness, against the writes acknowledged on the cart. */
function checkWatermarks(cartId: string, ops: Operation[], report: Report): void {
  const acknowledged = ops.filter(
    (op): op is WriteOperation & { wallEnd: number } => isAcknowledged(op) && op.wallEnd !== undefined,
  );
  for (const read of ops.filter((op): op is ReadOperation => op.type === 'read')) {
    const asOf = read.consistentAsOf;
    const claims: string[] = [];
    if (read.status === 200 && read.maxStalenessMs !== undefined && read.wallStart !== undefined) {
      const floor = read.wallStart - read.maxStalenessMs;
      if (asOf === undefined || asOf < floor) {
        claims.push(`Max-Staleness ${read.maxStalenessMs} ms asks for ${iso(floor)}, the answer is as of ${iso(asOf)}`);
      }
    }
    if (asOf !== undefined && (read.status === 200 || read.status === 404)) {
      // Acknowledged before the watermark (both floored to the ms): committed before it, so in the answer.
      const missed = acknowledged.filter(
        (op) => op.wallEnd < asOf && (read.status === 404 || (op.version ?? -1) > (read.version ?? -1)),
      );
      if (missed.length > 0) {
        claims.push(
          `as of ${iso(asOf)}, yet it misses v${missed[missed.length - 1].version}, acknowledged at ` +
            iso(missed[missed.length - 1].wallEnd),
        );
      }
    }
    if (claims.length > 0) {
      report({ kind: 'watermark', cartId, session: read.session, operation: read, message: claims.join('; ') }, ops);
    }
  }
}

const iso = (ms: number | undefined): string => (ms === undefined ? 'unknown' : new Date(ms).toISOString());

function sameState(a: Observed, b: Observed): boolean {
  return a.status === b.status && a.version === b.version && sameItems(a.items ?? [], b.items ?? []);
}

function sameItems(a: Item[], b: Item[]): boolean {
  const key = (items: Item[]) =>
    [...items]
      .sort((x, y) => (x.sku < y.sku ? -1 : x.sku > y.sku ? 1 : 0))
      .map((item) => `${item.sku}:${item.quantity}`)
      .join(',');
  return key(a) === key(b);
}

function describeObserved(observed: Observed): string {
  return observed.status === 200 ? `v${observed.version} ${describeItems(observed.items)}` : `${observed.status}`;
}

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** The violations kept, each with its history, as text for a failure message. */
export function describeViolations(result: CheckResult): string {
  const { summary } = result;
  const head =
    `${summary.violations} violation(s): lost ${summary.lost}, doubled ${summary.doubled}, ryw ${summary.ryw}, ` +
    `monotonic ${summary.monotonic}, diverged ${summary.diverged}, watermark ${summary.watermark}, ` +
    `ambiguous ${summary.ambiguous} ` +
    `(over ${summary.operations} operations)`;
  const parts = result.violations.map(
    (violation) =>
      `- [${violation.kind}] cart ${violation.cartId}${violation.session ? ` session ${violation.session}` : ''}: ` +
      `${violation.message}\n${violation.history.map((op) => `    ${op === violation.operation ? '>' : ' '} ${describeOperation(op)}`).join('\n')}`,
  );
  return [head, ...parts].join('\n');
}

/** A read that overlapped the time a view was damaged by hand and not yet repaired. */
function tamperedWith(read: Operation, tampered: CheckOptions['tampered'] = []): boolean {
  return tampered.some((t) => t.cartId === read.cartId && read.end >= t.from && read.start <= t.until);
}
