import { describeFailure, MAX_RECORDED_ERROR_LENGTH } from './outbox-failure';

describe('describeFailure', () => {
  it("names the error's kind and message", () => {
    const error = new Error('connect ECONNREFUSED 127.0.0.1:1');
    error.name = 'KafkaJSConnectionError';
    expect(describeFailure(error)).toBe('KafkaJSConnectionError: connect ECONNREFUSED 127.0.0.1:1');
    expect(describeFailure('plain')).toBe('plain');
  });

  it('hides credentials a driver echoed back', () => {
    const text = describeFailure(new Error('cannot reach postgres://cart:s3cret@db:5432/cart (password=hunter2)'));
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('hunter2');
    expect(text).toContain('postgres://***@db:5432/cart');
  });

  it('is bounded', () => {
    const text = describeFailure(new Error('x'.repeat(10_000)));
    expect(text.length).toBe(MAX_RECORDED_ERROR_LENGTH);
    expect(text.endsWith('…')).toBe(true);
  });
});
