import { OwnerWriteRate, OwnerWriteRateError } from './owner-write-rate';

describe('OwnerWriteRate', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 0));

  it('lets an owner write a second’s worth at once, then refuses with when to retry', () => {
    const rate = new OwnerWriteRate(3, clock);
    for (let i = 0; i < 3; i++) rate.take('alice');
    expect(() => rate.take('alice')).toThrow(
      expect.objectContaining({ code: 'OWNER_WRITE_RATE_LIMIT', retryAfterSeconds: 1 }),
    );
  });

  it('refills with time, and counts each owner apart', () => {
    const rate = new OwnerWriteRate(2, clock);
    rate.take('alice');
    rate.take('alice');
    expect(() => rate.take('alice')).toThrow(OwnerWriteRateError);
    rate.take('bob');
    now = 500;
    rate.take('alice');
    expect(() => rate.take('alice')).toThrow(OwnerWriteRateError);
  });

  it('never refuses at 0, which is no limit', () => {
    const rate = new OwnerWriteRate(0, clock);
    for (let i = 0; i < 10_000; i++) rate.take('alice');
  });
});
