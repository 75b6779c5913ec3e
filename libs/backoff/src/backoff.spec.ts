import { backoffDelayMs } from './backoff';

describe('backoffDelayMs', () => {
  it('grows exponentially between half and all of its ceiling', () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const ceiling = 100 * 2 ** attempt;
      for (let i = 0; i < 50; i++) {
        const wait = backoffDelayMs(attempt);
        expect(wait).toBeGreaterThanOrEqual(ceiling / 2);
        expect(wait).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('never exceeds the cap, however many attempts', () => {
    expect(backoffDelayMs(1000, 100, 5000)).toBeLessThanOrEqual(5000);
  });
});
