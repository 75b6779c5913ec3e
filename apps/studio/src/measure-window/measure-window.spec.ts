import type { StudioCarts } from '../carts/studio-carts';
import type { StudioSessions } from '../carts/studio-sessions';
import type { ServiceOperations } from '../operate-services/service-operations';
import type { ServiceEndpoints } from '../services/service-endpoints';
import { MeasureWindow } from './measure-window';

/** A system whose read model is always up to date: only the order of the settings is under test. */
function system() {
  const delays: string[] = [];
  let version = 0;
  const carts = {
    create: async () => ({ status: 201, body: { id: 'cart-1', version: 0 } }),
    change: async () => ({ status: 200, body: { id: 'cart-1', version: ++version } }),
  } as unknown as StudioCarts;
  const sessions = { of: () => undefined } as unknown as StudioSessions;
  const endpoints = {
    queryUrls: ['http://query'],
    call: async () => ({ status: 200, tookMs: 1, body: { version } }),
  } as unknown as ServiceEndpoints;
  const operations = {
    state: async () => [{ instance: 'http://query', status: 200, replicationDelay: { minMs: 7, maxMs: 9 } }],
    setReplicationDelay: async (minMs: number, maxMs: number) => {
      delays.push(`${minMs}-${maxMs}`);
      return [{ instance: 'http://query', status: 200 }];
    },
  } as unknown as ServiceOperations;
  return { delays, measure: new MeasureWindow(carts, sessions, endpoints, operations) };
}

describe('MeasureWindow', () => {
  it('alternates the settings round by round, then puts back the delay the instances had', async () => {
    const { delays, measure } = system();
    const measured = await measure.run(
      [
        { minMs: 0, maxMs: 0 },
        { minMs: 50, maxMs: 200 },
      ],
      2,
    );
    expect(delays).toEqual(['0-0', '50-200', '0-0', '50-200', '7-9']);
    expect(measured.map(({ setting, curve }) => [setting.maxMs, curve.readsPerOffset])).toEqual([
      [0, 2],
      [200, 2],
    ]);
    expect(measured.every(({ curve }) => curve.staleShare.every((share) => share === 0))).toBe(true);
  });
});
