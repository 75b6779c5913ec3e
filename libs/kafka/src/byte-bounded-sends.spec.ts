import { byteBoundedSends, messageBytes } from './byte-bounded-sends';
import type { OutboundMessage } from './event-broker';

const message = (key: string, bytes: number, n: number): OutboundMessage & { n: number } => ({
  key,
  value: 'x'.repeat(bytes),
  headers: { traceparent: 't' },
  n,
});

describe('byteBoundedSends', () => {
  it('keeps every send under the limit per partition, and each partition in order across sends', () => {
    const big = Array.from({ length: 10 }, (_, n) => message('a', 300, n));
    const small = Array.from({ length: 3 }, (_, n) => message('b', 10, n));
    const sends = byteBoundedSends(
      new Map([
        [0, big],
        [1, small],
      ]),
      1000,
    );
    for (const send of sends) {
      for (const group of send.values()) {
        expect(group.reduce((sum, m) => sum + messageBytes(m), 0)).toBeLessThanOrEqual(1000);
      }
    }
    expect(sends.flatMap((send) => send.get(0) ?? []).map((m) => m.n)).toEqual(big.map((m) => m.n));
    expect(sends[0].get(1)).toEqual(small);
    // 345 bytes each: two a send.
    expect(sends.length).toBe(5);
  });

  it('sends a message over the limit on its own rather than never', () => {
    const sends = byteBoundedSends(
      new Map([[0, [message('a', 10, 0), message('a', 5000, 1), message('a', 10, 2)]]]),
      1000,
    );
    expect(sends.map((send) => send.get(0)?.map((m) => m.n))).toEqual([[0], [1], [2]]);
  });

  it('counts key, value and headers in bytes, not characters', () => {
    expect(messageBytes({ key: 'é', value: '€', headers: { h: 'ü' } })).toBe(32 + 2 + 3 + 1 + 2);
  });
});
