import { RecentValue } from './recent-value';

describe('RecentValue', () => {
  it('computes once per ttl, however often it is asked, and again once the ttl has passed', async () => {
    let clock = 0;
    let computed = 0;
    const recent = new RecentValue<number>(1000, () => clock);
    const compute = async () => ++computed;
    const answers = await Promise.all(Array.from({ length: 50 }, () => recent.get(compute)));
    expect(new Set(answers)).toEqual(new Set([1]));
    clock = 999;
    await expect(recent.get(compute)).resolves.toBe(1);
    clock = 1000;
    await expect(recent.get(compute)).resolves.toBe(2);
    expect(computed).toBe(2);
  });

  it('keeps a failure for the ttl too, so a dead dependency is not hammered', async () => {
    let calls = 0;
    const recent = new RecentValue<number>(1000, () => 0);
    const failing = () => {
      calls++;
      return Promise.reject(new Error('down'));
    };
    await expect(recent.get(failing)).rejects.toThrow('down');
    await expect(recent.get(failing)).rejects.toThrow('down');
    expect(calls).toBe(1);
  });
});
