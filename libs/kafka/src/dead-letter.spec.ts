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
});
