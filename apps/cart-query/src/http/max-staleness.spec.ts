import { MAX_STALENESS_CAP_MS, parseMaxStaleness } from './max-staleness';

describe('parseMaxStaleness', () => {
  it('reads a whole number of milliseconds, 0 included, up to the cap', () => {
    expect(parseMaxStaleness(undefined)).toBeUndefined();
    expect(parseMaxStaleness('0')).toBe(0);
    expect(parseMaxStaleness(' 250 ')).toBe(250);
    expect(parseMaxStaleness(String(MAX_STALENESS_CAP_MS))).toBe(MAX_STALENESS_CAP_MS);
  });

  it.each(['', '-1', '1.5', '1e3', '007', 'soon', '100, 200', String(MAX_STALENESS_CAP_MS + 1), '9'.repeat(30)])(
    'refuses %p with INVALID_MAX_STALENESS',
    (header) => {
      expect(() => parseMaxStaleness(header)).toThrow(expect.objectContaining({ code: 'INVALID_MAX_STALENESS' }));
    },
  );

  it('refuses a header given twice', () => {
    expect(() => parseMaxStaleness(['1', '2'])).toThrow(expect.objectContaining({ code: 'INVALID_MAX_STALENESS' }));
  });
});
