import { checkHistory, describeViolations } from './checker';
import type { FinalCart, Item, Operation, ReadOperation, WriteOperation, WriteOutcome } from './history';

/**
 * The Checker on hand-made histories. Named *.int-spec.ts so `npm test` runs it with the other
 * tests under test/; the faults config runs it too. It needs no infrastructure.
 */
const CART = 'c0000000-0000-4000-8000-000000000001';
const OTHER = 'c0000000-0000-4000-8000-000000000002';

class History {
  readonly ops: Operation[] = [];
  private clock = 0;

  private next(): { index: number; start: number; end: number } {
    const start = (this.clock += 10);
    return { index: this.ops.length, start, end: (this.clock += 5) };
  }

  create(session: string, cartId = CART): this {
    this.ops.push({
      ...this.next(),
      type: 'write',
      action: 'create',
      session,
      cartId,
      instance: 'cart#0',
      status: 201,
      version: 0,
      items: [],
      outcome: 'ok',
    });
    return this;
  }

  add(
    session: string,
    sku: string,
    quantity: number,
    answer: { version?: number; items?: Item[]; outcome?: WriteOutcome; status?: number },
    cartId = CART,
  ): this {
    const outcome = answer.outcome ?? 'ok';
    const op: WriteOperation = {
      ...this.next(),
      type: 'write',
      action: 'add-item',
      session,
      cartId,
      instance: 'cart#0',
      request: { sku, quantity },
      outcome,
      status: answer.status ?? (outcome === 'ok' ? 200 : undefined),
      error: outcome === 'ok' || answer.status ? undefined : 'ECONNRESET',
      version: answer.version,
      items: answer.items,
      tokenReceived: outcome === 'ok' ? 'token' : undefined,
    };
    this.ops.push(op);
    return this;
  }

  read(
    session: string,
    answer: { status: number; version?: number; items?: Item[] },
    token: { required?: number; covered?: number; sent?: boolean } = {},
    cartId = CART,
  ): this {
    const op: ReadOperation = {
      ...this.next(),
      type: 'read',
      session,
      cartId,
      instance: 'query#0',
      tokenSent: token.sent === false ? undefined : 'token',
      required: token.required,
      status: answer.status,
      version: answer.version,
      items: answer.items,
      tokenReceived: answer.status === 200 ? 'token' : undefined,
      covered: answer.status === 200 ? (token.covered ?? answer.version) : undefined,
    };
    this.ops.push(op);
    return this;
  }

  clear(session: string, answer: { version?: number; outcome?: WriteOutcome }, cartId = CART): this {
    const outcome = answer.outcome ?? 'ok';
    this.ops.push({
      ...this.next(),
      type: 'write',
      action: 'clear',
      session,
      cartId,
      instance: 'cart#0',
      outcome,
      status: outcome === 'ok' ? 200 : undefined,
      error: outcome === 'ok' ? undefined : 'ECONNRESET',
      version: answer.version,
      items: outcome === 'ok' ? [] : undefined,
      tokenReceived: outcome === 'ok' ? 'token' : undefined,
    });
    return this;
  }

  /** Makes the last two operations overlap in time: neither is before the other. */
  overlapLastTwo(): this {
    const [a, b] = this.ops.slice(-2);
    b.start = a.start + 1;
    return this;
  }
}

const final = (version: number, items: Item[], read: { version: number; items: Item[] } = { version, items }) => [
  {
    cartId: CART,
    write: { status: 200, version, items },
    read: { status: 200, ...read },
  } satisfies FinalCart,
];

const apple = (quantity: number): Item[] => [{ sku: 'apple', quantity }];

describe('the history Checker', () => {
  it('passes a clean history and counts its operations', () => {
    const history = new History()
      .create('s1')
      .add('s1', 'apple', 2, { version: 1, items: apple(2) })
      .read('s1', { status: 200, version: 1, items: apple(2) }, { required: 1 })
      .add('s2', 'apple', 3, { version: 2, items: apple(5) })
      .read('s2', { status: 503 }, { required: 2 })
      .read('s1', { status: 200, version: 2, items: apple(5) }, { required: 1 });

    const result = checkHistory(history.ops, final(2, apple(5)));

    expect(describeViolations(result)).toContain('0 violation(s)');
    expect(result.ok).toBe(true);
    expect(result.summary).toMatchObject({
      operations: 6,
      writes: 3,
      acknowledgedWrites: 3,
      reads: 3,
      readsAnswered: 2,
      readsBehind: 1,
      carts: 1,
      violations: 0,
    });
  });

  describe('1. every acknowledged write is in both models', () => {
    it('finds a write missing from the write model', () => {
      const history = new History()
        .create('s1')
        .add('s1', 'apple', 1, { version: 1, items: apple(1) })
        .add('s1', 'apple', 1, { version: 2, items: apple(2) });

      const result = checkHistory(history.ops, final(1, apple(1)));

      expect(result.summary.lost).toBeGreaterThanOrEqual(1);
      expect(result.violations[0]).toMatchObject({ kind: 'lost', cartId: CART });
      expect(result.violations[0].message).toContain('write model');
      expect(result.violations[0].history.length).toBeGreaterThan(0);
    });

    it('finds a write missing from the read model', () => {
      const history = new History()
        .create('s1')
        .add('s1', 'apple', 1, { version: 1, items: apple(1) })
        .add('s1', 'apple', 1, { version: 2, items: apple(2) });

      const result = checkHistory(history.ops, final(2, apple(2), { version: 1, items: apple(1) }));

      expect(result.summary.lost).toBeGreaterThanOrEqual(1);
      expect(result.violations.find((v) => v.kind === 'lost')?.message).toContain('read model');
      expect(result.summary.diverged).toBe(1);
    });

    it('finds a cart missing altogether from the read model', () => {
      const history = new History().create('s1').add('s1', 'apple', 1, { version: 1, items: apple(1) });

      const result = checkHistory(history.ops, [
        { cartId: CART, write: { status: 200, version: 1, items: apple(1) }, read: { status: 404 } },
      ]);

      expect(result.summary.lost).toBe(1);
      expect(result.summary.diverged).toBe(1);
    });

    it('counts the versions: the write model at more versions than changes made is a double', () => {
      const history = new History()
        .create('s1')
        .add('s1', 'apple', 1, { version: 1, items: apple(1) })
        .add('s1', 'pear', 1, { version: 2, items: [...apple(1), { sku: 'pear', quantity: 1 }] });

      const items = [...apple(1), { sku: 'pear', quantity: 1 }];
      const result = checkHistory(history.ops, final(3, items));

      expect(result.summary.doubled).toBe(1);
      expect(result.violations[0].message).toContain('exactly 2');
    });

    it('allows an unanswered write to have happened, or not', () => {
      const build = () =>
        new History()
          .create('s1')
          .add('s1', 'apple', 1, { version: 1, items: apple(1) })
          .add('s1', 'apple', 1, { outcome: 'unknown' })
          .add('s1', 'apple', 1, { version: 3, items: apple(3) });

      expect(checkHistory(build().ops, final(3, apple(3))).ok).toBe(true);
      // Did not happen: the third is at v2 then, but it was acknowledged at v3, which cannot be.
      const skipped = checkHistory(build().ops, final(2, apple(2)));
      expect(skipped.summary.lost).toBeGreaterThan(0);
      const twice = checkHistory(build().ops, final(4, apple(4)));
      expect(twice.summary.doubled).toBeGreaterThan(0);
    });

    it('does not count failed writes: they certainly did not happen', () => {
      const history = new History()
        .create('s1')
        .add('s1', 'apple', 1, { version: 1, items: apple(1) })
        .add('s1', 'apple', 5000, { outcome: 'failed', status: 400 })
        .add('s1', 'apple', 1, { outcome: 'failed' });

      expect(checkHistory(history.ops, final(1, apple(1))).ok).toBe(true);
      expect(checkHistory(history.ops, final(2, apple(2))).summary.doubled).toBeGreaterThan(0);
    });

    it('finds two writes acknowledged at one version', () => {
      const history = new History()
        .create('s1')
        .add('s1', 'apple', 1, { version: 1, items: apple(1) })
        .add('s2', 'apple', 1, { version: 1, items: apple(1) });

      const result = checkHistory(history.ops, final(1, apple(1)));

      expect(result.violations.map((v) => v.message).join('\n')).toContain('same version v1');
      expect(result.summary.lost).toBeGreaterThan(0);
    });

    it('does not count versions of a cart the history did not create', () => {
      const history = new History().add('s1', 'apple', 1, { version: 7, items: apple(4) });

      expect(checkHistory(history.ops, final(9, apple(6))).ok).toBe(true);
    });
  });

  describe('2. the read model equals the write model', () => {
    it('finds other items at the same version', () => {
      const history = new History().create('s1').add('s1', 'apple', 1, { version: 1, items: apple(1) });

      const result = checkHistory(history.ops, final(1, apple(1), { version: 1, items: apple(2) }));

      expect(result.summary.diverged).toBe(1);
      expect(result.violations[0].message).toMatch(/read model v1 \[apple:2\] ≠ write model v1 \[apple:1\]/);
    });

    it('finds a read that answered a version with items the write model never had at it', () => {
      const history = new History()
        .create('s1')
        .add('s1', 'apple', 1, { version: 1, items: apple(1) })
        .read('s2', { status: 200, version: 1, items: apple(500) });

      const result = checkHistory(history.ops, final(1, apple(1)));

      expect(result.summary.diverged).toBe(1);
      expect(result.violations[0].operation?.type).toBe('read');
    });

    it('finds a read of a version the write model never reached', () => {
      const history = new History()
        .create('s1')
        .add('s1', 'apple', 1, { version: 1, items: apple(1) })
        .read('s2', { status: 200, version: 2, items: apple(2) });

      expect(checkHistory(history.ops, final(1, apple(1))).summary.doubled).toBe(1);
    });
  });

  describe('3. read-your-writes', () => {
    it('finds a read below what its token required', () => {
      const history = new History()
        .create('s1')
        .add('s1', 'apple', 1, { version: 1, items: apple(1) })
        .add('s1', 'apple', 1, { version: 2, items: apple(2) })
        .read('s2', { status: 200, version: 1, items: apple(1) }, { required: 2 });

      const result = checkHistory(history.ops, final(2, apple(2)));

      expect(result.summary.ryw).toBe(1);
      expect(result.violations[0]).toMatchObject({ kind: 'ryw', session: 's2' });
      expect(result.violations[0].message).toContain('requiring v2 was answered v1');
    });

    it('finds a 404 for a cart the token requires, but lets a 503 pass', () => {
      const history = new History()
        .create('s1')
        .read('s1', { status: 404 }, { required: 0 })
        .read('s1', { status: 503 }, { required: 0 });

      const result = checkHistory(history.ops, final(0, []));

      expect(result.summary.ryw).toBe(1);
      expect(result.violations[0].operation?.status).toBe(404);
    });

    it("finds a session that does not see its own acknowledged write, even if its token didn't say so", () => {
      const history = new History()
        .create('s1')
        .add('s1', 'apple', 1, { version: 1, items: apple(1) })
        .read('s1', { status: 200, version: 0, items: [] });

      const result = checkHistory(history.ops, final(1, apple(1)));

      expect(result.summary.ryw).toBe(1);
      expect(result.violations[0].message).toContain('own write');
    });

    it('does not require a write that was still in flight when the read began', () => {
      const history = new History()
        .create('s1')
        .add('s1', 'apple', 1, { version: 1, items: apple(1) })
        .read('s1', { status: 200, version: 0, items: [] })
        .overlapLastTwo();

      expect(checkHistory(history.ops, final(1, apple(1))).ok).toBe(true);
    });

    it('finds an answered token that does not cover the version it answered', () => {
      const history = new History()
        .create('s1')
        .add('s1', 'apple', 1, { version: 1, items: apple(1) })
        .read('s2', { status: 200, version: 1, items: apple(1) }, { covered: 0 });

      expect(checkHistory(history.ops, final(1, apple(1))).summary.ryw).toBe(1);
    });
  });

  describe('4. monotonic reads', () => {
    it('finds a session reading an older version than it read before', () => {
      const history = new History()
        .create('s1')
        .add('s1', 'apple', 1, { version: 1, items: apple(1) })
        .add('s1', 'apple', 1, { version: 2, items: apple(2) })
        .read('s2', { status: 200, version: 2, items: apple(2) })
        .read('s2', { status: 200, version: 1, items: apple(1) });

      const result = checkHistory(history.ops, final(2, apple(2)));

      expect(result.summary.monotonic).toBe(1);
      expect(result.violations[0]).toMatchObject({ kind: 'monotonic', session: 's2' });
      expect(result.violations[0].history.map((op) => op.index)).toEqual([0, 1, 2, 3, 4]);
    });

    it('does not mix sessions or carts, nor hold reads without a token to it', () => {
      const history = new History()
        .create('s1')
        .create('s1', OTHER)
        .add('s1', 'apple', 1, { version: 1, items: apple(1) })
        .read('s2', { status: 200, version: 1, items: apple(1) })
        .read('s3', { status: 200, version: 0, items: [] }, { sent: false })
        .read('s2', { status: 200, version: 0, items: [] }, {}, OTHER)
        .read('s2', { status: 200, version: 0, items: [] }, { sent: false });

      const finals: FinalCart[] = [
        ...final(1, apple(1)),
        { cartId: OTHER, write: { status: 200, version: 0, items: [] }, read: { status: 200, version: 0, items: [] } },
      ];
      expect(describeViolations(checkHistory(history.ops, finals))).toContain('0 violation(s)');
    });
  });

  describe('5. nothing counted twice', () => {
    it('finds a quantity added twice although the version is right', () => {
      const history = new History()
        .create('s1')
        .add('s1', 'apple', 2, { version: 1, items: apple(2) })
        .add('s1', 'apple', 3, { version: 2, items: apple(5) });

      const result = checkHistory(history.ops, final(2, apple(7)));

      expect(result.summary.doubled).toBeGreaterThanOrEqual(1);
      expect(result.violations.find((v) => v.kind === 'doubled')?.message).toContain('apple×7');
    });

    it('keeps the count between the acknowledged adds and those plus the unanswered', () => {
      const history = new History()
        .create('s1')
        .add('s1', 'apple', 2, { version: 1, items: apple(2) })
        .add('s1', 'apple', 3, { outcome: 'unknown' });

      expect(checkHistory(history.ops, final(1, apple(2))).ok).toBe(true);
      expect(checkHistory(history.ops, final(2, apple(5))).ok).toBe(true);
      expect(checkHistory(history.ops, final(2, apple(4))).summary.violations).toBeGreaterThan(0);
      expect(checkHistory(history.ops, final(1, apple(1))).summary.lost).toBeGreaterThan(0);
    });

    it('finds a sku nobody added', () => {
      const history = new History().create('s1').add('s1', 'apple', 2, { version: 1, items: apple(2) });

      const items = [...apple(2), { sku: 'ghost', quantity: 1 }];
      const result = checkHistory(history.ops, final(1, items));

      expect(result.violations.find((v) => v.kind === 'doubled')?.message).toContain('ghost×1');
    });
  });

  describe('exactly once, when clients retry unanswered writes with their key', () => {
    /** A write answered only on its second call with its key, as the recorder leaves it. */
    const retried = (history: History) => {
      const op = history.ops[history.ops.length - 1] as WriteOperation;
      Object.assign(op, { key: 'k-1', attempts: 2 });
      return history;
    };

    it('passes a retried add applied once, and finds one applied twice (a retry without the key)', () => {
      const history = retried(
        new History()
          .create('s1')
          .add('s1', 'apple', 2, { version: 1, items: apple(2) })
          .add('s1', 'apple', 3, { version: 2, items: apple(5) }),
      );

      expect(checkHistory(history.ops, final(2, apple(5)), { exactlyOnce: true }).ok).toBe(true);
      // The first call landed unanswered, the retry applied it again: one version and 3 too many.
      const doubled = checkHistory(history.ops, final(3, apple(8)), { exactlyOnce: true });
      expect(doubled.summary.doubled).toBeGreaterThanOrEqual(1);
      expect(doubled.violations.map((v) => v.message).join('\n')).toContain('exactly 2 changes');
    });

    it('finds a write left unanswered: it may or may not have happened', () => {
      const history = new History()
        .create('s1')
        .add('s1', 'apple', 2, { version: 1, items: apple(2) })
        .add('s1', 'apple', 3, { outcome: 'unknown' });

      expect(checkHistory(history.ops, final(1, apple(2))).ok).toBe(true);
      const result = checkHistory(history.ops, final(1, apple(2)), { exactlyOnce: true });
      expect(result.summary.ambiguous).toBe(1);
      expect(result.violations[0]).toMatchObject({ kind: 'ambiguous', operation: history.ops[2] });
    });
  });

  describe('clears', () => {
    it('counts only the adds since the last acknowledged clear, and lets a clear of an empty cart share a version', () => {
      const history = new History()
        .create('s1')
        .clear('s1', { version: 0 })
        .add('s1', 'apple', 2, { version: 1, items: apple(2) })
        .clear('s1', { version: 2 })
        .add('s1', 'apple', 3, { version: 3, items: apple(3) });

      expect(checkHistory(history.ops, final(3, apple(3))).ok).toBe(true);
      expect(checkHistory(history.ops, final(3, apple(5))).summary.doubled).toBeGreaterThan(0);
      expect(checkHistory(history.ops, final(3, [])).summary.lost).toBeGreaterThan(0);
    });

    it('still finds two changes acknowledged at one version', () => {
      const history = new History()
        .create('s1')
        .add('s1', 'apple', 2, { version: 1, items: apple(2) })
        .add('s1', 'apple', 3, { version: 1, items: apple(3) })
        .clear('s1', { version: 2 });

      expect(checkHistory(history.ops, final(2, [])).summary.lost).toBeGreaterThan(0);
    });

    it('does not bound the count when a clear went unanswered, but still the versions', () => {
      const history = new History()
        .create('s1')
        .add('s1', 'apple', 2, { version: 1, items: apple(2) })
        .clear('s1', { outcome: 'unknown' });

      expect(checkHistory(history.ops, final(2, [])).ok).toBe(true);
      expect(checkHistory(history.ops, final(1, apple(2))).ok).toBe(true);
      expect(checkHistory(history.ops, final(3, [])).summary.doubled).toBeGreaterThan(0);
    });
  });

  describe('6. what reads claim of their freshness (watermarks)', () => {
    /** Wall clock = the history's clock + this: the watermarks are instants on it. */
    const EPOCH = Date.UTC(2026, 10, 30, 12);
    const onWallClock = (history: History): History => {
      for (const op of history.ops) Object.assign(op, { wallStart: EPOCH + op.start, wallEnd: EPOCH + op.end });
      return history;
    };
    const claim = (history: History, fields: { consistentAsOf?: number; maxStalenessMs?: number }): History => {
      Object.assign(history.ops[history.ops.length - 1], fields);
      return history;
    };
    const check = (history: History, finals: FinalCart[]) =>
      checkHistory(history.ops, finals, { watermarks: true }).summary.watermark;

    // Wall clock: create ends at EPOCH+15, the add at EPOCH+30, the read starts at EPOCH+40.
    const written = () =>
      onWallClock(
        new History()
          .create('s1')
          .add('s1', 'apple', 2, { version: 1, items: apple(2) })
          .read('s2', { status: 200, version: 0, items: [] }, { sent: false }),
      );

    it('finds a read that claims a watermark after a write it does not hold', () => {
      expect(check(claim(written(), { consistentAsOf: EPOCH + 31 }), final(1, apple(2)))).toBe(1);
    });

    it('lets a read miss a write acknowledged at or after its watermark', () => {
      expect(check(claim(written(), { consistentAsOf: EPOCH + 30 }), final(1, apple(2)))).toBe(0);
      expect(check(claim(written(), { consistentAsOf: EPOCH + 20 }), final(1, apple(2)))).toBe(0);
    });

    it('finds a 404 that claims a watermark after the cart was created', () => {
      const history = onWallClock(new History().create('s1').read('s2', { status: 404 }, { sent: false }));
      expect(check(claim(history, { consistentAsOf: EPOCH + 16 }), final(0, []))).toBe(1);
      expect(check(claim(history, { consistentAsOf: EPOCH + 15 }), final(0, []))).toBe(0);
    });

    it('finds a Max-Staleness read answered older than its bound, or with no watermark at all', () => {
      const bounded = (asOf?: number) => claim(written(), { maxStalenessMs: 20, consistentAsOf: asOf });
      expect(check(bounded(EPOCH + 19), final(1, apple(2)))).toBe(1);
      expect(check(bounded(undefined), final(1, apple(2)))).toBe(1);
      expect(check(bounded(EPOCH + 20), final(1, apple(2)))).toBe(0);
    });

    it('judges nothing of it unless asked', () => {
      const history = claim(written(), { consistentAsOf: EPOCH + 31 });
      expect(checkHistory(history.ops, final(1, apple(2))).summary.watermark).toBe(0);
    });
  });

  it('does not judge reads of a view damaged by hand while it was, and judges the rest', () => {
    const history = new History()
      .create('s1')
      .add('s1', 'apple', 2, { version: 1, items: apple(2) })
      .read('s1', { status: 200, version: 1, items: apple(5) }, { required: 1 });
    const damaged = history.ops[2];
    const tampered = [{ cartId: CART, from: damaged.start - 1, until: damaged.end + 1 }];
    expect(checkHistory(history.ops, final(1, apple(2))).summary.diverged).toBe(1);
    expect(checkHistory(history.ops, final(1, apple(2)), { tampered }).ok).toBe(true);
    const elsewhere = [{ cartId: OTHER, from: 0, until: Number.MAX_VALUE }];
    expect(checkHistory(history.ops, final(1, apple(2)), { tampered: elsewhere }).ok).toBe(false);
  });

  it('keeps only the first few violations, counting them all', () => {
    const history = new History().create('s1');
    for (let v = 1; v <= 10; v++) history.add('s1', 'apple', 1, { version: v, items: apple(v) });
    for (let i = 0; i < 10; i++) history.read('s2', { status: 200, version: 10 - i, items: apple(10 - i) });

    const result = checkHistory(history.ops, final(10, apple(10)), { keep: 3, historyLength: 4 });

    expect(result.summary.monotonic).toBe(9);
    expect(result.violations).toHaveLength(3);
    expect(result.violations.every((v) => v.history.length <= 4)).toBe(true);
    expect(describeViolations(result)).toContain('> #');
  });
});
