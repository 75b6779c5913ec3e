import { MAX_SESSION_TOKEN_CARTS, SessionToken } from './session-token';

const cart = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const cartIds = (from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, index) => cart(from + index));
const withCarts = (ids: string[], version = 1): SessionToken =>
  ids.reduce((token, id) => token.require(id, version), SessionToken.empty());
const idsOf = (token: SessionToken): string[] => token.entries().map(([id]) => id);

describe('SessionToken', () => {
  it('starts empty', () => {
    const token = SessionToken.empty();

    expect(token.isEmpty).toBe(true);
    expect(token.size).toBe(0);
    expect(token.entries()).toEqual([]);
    expect(token.minVersion(cart(1))).toBeUndefined();
  });

  describe('require', () => {
    it('returns a new token and leaves the receiver unchanged', () => {
      const before = SessionToken.empty();
      const after = before.require(cart(1), 3);

      expect(before.isEmpty).toBe(true);
      expect(after.minVersion(cart(1))).toBe(3);
      expect(after.size).toBe(1);
      expect(after.isEmpty).toBe(false);
    });

    it('keeps the highest version of a cart', () => {
      const token = SessionToken.empty().require(cart(1), 5);

      expect(token.require(cart(1), 7).minVersion(cart(1))).toBe(7);
      expect(token.require(cart(1), 2).minVersion(cart(1))).toBe(5);
    });

    it('makes the cart the most recent even when its version does not rise', () => {
      const token = withCarts([cart(1), cart(2), cart(3)], 5).require(cart(1), 0);

      expect(token.entries()).toEqual([
        [cart(2), 5],
        [cart(3), 5],
        [cart(1), 5],
      ]);
    });

    it('treats cart ids case-insensitively and stores them in lower case', () => {
      const upper = 'A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D';
      const token = SessionToken.empty().require(upper, 1).require(upper.toLowerCase(), 2);

      expect(token.size).toBe(1);
      expect(token.entries()).toEqual([[upper.toLowerCase(), 2]]);
      expect(token.minVersion(upper)).toBe(2);
    });

    it(`holds at most ${MAX_SESSION_TOKEN_CARTS} carts, dropping the least recent`, () => {
      const token = withCarts(cartIds(1, MAX_SESSION_TOKEN_CARTS + 1));

      expect(token.size).toBe(MAX_SESSION_TOKEN_CARTS);
      expect(token.minVersion(cart(1))).toBeUndefined();
      expect(idsOf(token)).toEqual(cartIds(2, MAX_SESSION_TOKEN_CARTS + 1));
    });

    it('keeps a cart that was touched again instead of dropping it', () => {
      const full = withCarts(cartIds(1, MAX_SESSION_TOKEN_CARTS)).require(cart(1), 9);
      const token = full.require(cart(100), 1);

      expect(token.minVersion(cart(1))).toBe(9);
      expect(token.minVersion(cart(2))).toBeUndefined();
      expect(token.size).toBe(MAX_SESSION_TOKEN_CARTS);
    });

    it.each([0, 1, 2 ** 32 - 1])('accepts version %p', (version) => {
      expect(SessionToken.empty().require(cart(1), version).minVersion(cart(1))).toBe(version);
    });

    it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 32, Number.MAX_SAFE_INTEGER + 1])(
      'rejects version %p',
      (version) => {
        expect(() => SessionToken.empty().require(cart(1), version)).toThrow(RangeError);
      },
    );

    it.each([
      '00000000-0000-0000-0000-000000000000',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
      '6ba7b810-9dad-11d1-80b4-00c04fd430c8',
      '01890a5d-ac96-774b-bcce-b302099a8057',
    ])('accepts UUID %s of any version', (cartId) => {
      expect(SessionToken.empty().require(cartId, 1).minVersion(cartId)).toBe(1);
    });

    it.each([
      '',
      'not-a-uuid',
      '6ba7b8109dad11d180b400c04fd430c8',
      '{6ba7b810-9dad-11d1-80b4-00c04fd430c8}',
      'urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8',
      ' 6ba7b810-9dad-11d1-80b4-00c04fd430c8',
      '6ba7b810-9dad-11d1-80b4-00c04fd430c8\n',
      '6ba7b810-9dad-11d1-80b4-00c04fd430cg',
      '6ba7b810-9dad-11d1-80b4-00c04fd430c',
    ])('rejects cart id %p', (cartId) => {
      expect(() => SessionToken.empty().require(cartId, 1)).toThrow(RangeError);
    });
  });

  describe('merge', () => {
    it('keeps the highest version per cart whichever side holds it', () => {
      const a = SessionToken.of([
        [cart(1), 5],
        [cart(2), 1],
      ]);
      const b = SessionToken.of([
        [cart(1), 3],
        [cart(2), 4],
        [cart(3), 7],
      ]);

      for (const merged of [a.merge(b), b.merge(a)]) {
        expect(merged.minVersion(cart(1))).toBe(5);
        expect(merged.minVersion(cart(2))).toBe(4);
        expect(merged.minVersion(cart(3))).toBe(7);
        expect(merged.size).toBe(3);
      }
    });

    it("counts the newer token's entries as more recent than the receiver's", () => {
      const older = withCarts([cart(1), cart(2), cart(3)]);
      const newer = withCarts([cart(4), cart(2)]);

      expect(idsOf(older.merge(newer))).toEqual([cart(1), cart(3), cart(4), cart(2)]);
    });

    it('is idempotent', () => {
      const a = SessionToken.of([
        [cart(1), 5],
        [cart(2), 1],
      ]);
      const b = SessionToken.of([
        [cart(2), 4],
        [cart(3), 7],
      ]);
      const once = a.merge(b);

      expect(a.merge(a).entries()).toEqual(a.entries());
      expect(once.merge(b).entries()).toEqual(once.entries());
      expect(once.merge(once).entries()).toEqual(once.entries());
    });

    it('leaves both tokens unchanged', () => {
      const a = withCarts([cart(1)], 1);
      const b = withCarts([cart(1)], 2);
      a.merge(b);

      expect(a.minVersion(cart(1))).toBe(1);
      expect(b.minVersion(cart(1))).toBe(2);
    });

    it('with an empty token changes nothing', () => {
      const token = withCarts([cart(1), cart(2)]);

      expect(token.merge(SessionToken.empty()).entries()).toEqual(token.entries());
      expect(SessionToken.empty().merge(token).entries()).toEqual(token.entries());
    });

    it(`stays within ${MAX_SESSION_TOKEN_CARTS} carts, dropping the receiver's least recent first`, () => {
      const older = withCarts(cartIds(1, MAX_SESSION_TOKEN_CARTS));
      const newer = withCarts(cartIds(101, 110));
      const merged = older.merge(newer);

      expect(merged.size).toBe(MAX_SESSION_TOKEN_CARTS);
      expect(idsOf(merged)).toEqual([...cartIds(11, MAX_SESSION_TOKEN_CARTS), ...cartIds(101, 110)]);
    });

    it('keeps only the newer token when both are full of different carts', () => {
      const newer = withCarts(cartIds(101, 100 + MAX_SESSION_TOKEN_CARTS));

      expect(withCarts(cartIds(1, MAX_SESSION_TOKEN_CARTS)).merge(newer).entries()).toEqual(newer.entries());
    });
  });

  describe('of', () => {
    it('takes entries oldest first', () => {
      const token = SessionToken.of([
        [cart(2), 1],
        [cart(1), 2],
      ]);

      expect(token.entries()).toEqual([
        [cart(2), 1],
        [cart(1), 2],
      ]);
    });

    it('folds a repeated cart into its highest version at its last position', () => {
      const token = SessionToken.of([
        [cart(1), 9],
        [cart(2), 1],
        [cart(1), 3],
      ]);

      expect(token.entries()).toEqual([
        [cart(2), 1],
        [cart(1), 9],
      ]);
    });

    it('keeps only the most recent carts', () => {
      const token = SessionToken.of(cartIds(1, 40).map((id) => [id, 1] as const));

      expect(idsOf(token)).toEqual(cartIds(9, 40));
    });

    it('rejects an invalid entry', () => {
      expect(() => SessionToken.of([['nope', 1]])).toThrow(RangeError);
      expect(() => SessionToken.of([[cart(1), -1]])).toThrow(RangeError);
    });
  });

  it('hands out entries that cannot be changed', () => {
    const token = withCarts([cart(1)]);
    const entries = token.entries();

    expect(Object.isFrozen(entries)).toBe(true);
    expect(Object.isFrozen(entries[0])).toBe(true);
  });
});
