import { fingerprintOf, InvalidIdempotencyKeyError, parseIdempotencyKey } from './idempotency-key';

describe('parseIdempotencyKey', () => {
  it('is no key when the header is absent', () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
  });

  it.each(['3f2b8a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b', 'a', 'x'.repeat(255), 'order:42/retry~1'])('passes %p', (key) => {
    expect(parseIdempotencyKey(key)).toBe(key);
  });

  it.each(['', 'x'.repeat(256), 'a b', 'a, b', 'é', 'tab\there'])('refuses %p with INVALID_IDEMPOTENCY_KEY', (key) => {
    expect(() => parseIdempotencyKey(key)).toThrow(InvalidIdempotencyKeyError);
  });

  it('refuses a repeated header', () => {
    expect(() => parseIdempotencyKey(['a', 'b'])).toThrow(expect.objectContaining({ code: 'INVALID_IDEMPOTENCY_KEY' }));
  });
});

describe('fingerprintOf', () => {
  const path = '/carts/3f2b8a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b/items';

  it('is the same for the same method, path and body', () => {
    expect(fingerprintOf('post', path, { sku: 'A', quantity: 1 })).toBe(
      fingerprintOf('POST', path, { sku: 'A', quantity: 1 }),
    );
    expect(fingerprintOf('DELETE', path, undefined)).toBe(fingerprintOf('DELETE', path, null));
  });

  it('differs when any of them differs', () => {
    const base = fingerprintOf('POST', path, { sku: 'A', quantity: 1 });
    expect(fingerprintOf('POST', path, { sku: 'A', quantity: 2 })).not.toBe(base);
    expect(fingerprintOf('DELETE', path, { sku: 'A', quantity: 1 })).not.toBe(base);
    expect(fingerprintOf('POST', `${path}/A`, { sku: 'A', quantity: 1 })).not.toBe(base);
  });
});
