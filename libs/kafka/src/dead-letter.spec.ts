import { messageBytes } from './byte-bounded-sends';
import { MAX_DEAD_LETTER_VALUE_BYTES, toDeadLetter } from './dead-letter';

const message = (value: Buffer | null) => ({ partition: 2, offset: '41', key: 'k', value, headers: { a: 'b' } });

describe('toDeadLetter', () => {
  it('keeps the original bytes, headers and where the message came from', () => {
    const value = Buffer.from([0xff, 0x00, 0x7b]);
    const letter = toDeadLetter('cart.events', message(value), 'not-json', 'Unexpected token');
    expect(letter.value).toEqual(value);
    expect(letter.headers).toMatchObject({
      a: 'b',
      'dlq-reason': 'not-json',
      'dlq-original-topic': 'cart.events',
      'dlq-original-partition': '2',
      'dlq-original-offset': '41',
      'dlq-original-bytes': '3',
    });
    expect(letter.headers?.['dlq-truncated']).toBeUndefined();
  });

  it('cuts a value that would not fit on the dead-letter topic, and says so', () => {
    const huge = Buffer.alloc(1_048_480, 1);
    const letter = toDeadLetter('cart.events', message(huge), 'not-json', 'x');
    expect((letter.value as Buffer).length).toBe(MAX_DEAD_LETTER_VALUE_BYTES);
    expect(letter.headers).toMatchObject({ 'dlq-truncated': 'true', 'dlq-original-bytes': '1048480' });
  });

  it('turns an absent value into an empty one', () => {
    expect(toDeadLetter('t', message(null), 'empty', '').value).toEqual(Buffer.alloc(0));
  });

  it('keeps the copy under the broker limit however big the poison’s key and headers', () => {
    const poison = {
      partition: 0,
      offset: '7',
      // 100,000 invalid bytes decode to 300,000 bytes of replacement characters.
      key: '\uFFFD'.repeat(100_000),
      value: Buffer.alloc(1_000_000, 1),
      headers: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`h${i}`, 'v'.repeat(10_000)])),
    };
    const letter = toDeadLetter('cart.events', poison, 'not-json', 'x'.repeat(10_000));
    expect(messageBytes(letter)).toBeLessThan(1024 * 1024 - 16 * 1024);
    expect(Buffer.byteLength(letter.key ?? '')).toBeLessThanOrEqual(1024);
    expect(letter.headers).toMatchObject({
      'dlq-key-truncated': 'true',
      'dlq-headers-cut': '50',
      'dlq-truncated': 'true',
    });
  });
});
