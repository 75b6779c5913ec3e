import { Registry } from 'prom-client';
import { ConsumerStats } from '../events/apply-cart-events/consumer-stats';
import { ConsumerMetrics, propagationLagSeconds } from './consumer.metrics';

async function sample(registry: Registry, series: string): Promise<number | undefined> {
  const line = (await registry.metrics()).split('\n').find((text) => text.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('propagationLagSeconds', () => {
  it('is the seconds from occurredAt to now, never negative, undefined when unreadable', () => {
    const now = Date.parse('2026-01-01T00:00:01.000Z');
    expect(propagationLagSeconds('2026-01-01T00:00:00.985Z', now)).toBeCloseTo(0.015, 9);
    expect(propagationLagSeconds('2026-01-01T00:00:00.985+00:00', now)).toBeCloseTo(0.015, 9);
    expect(propagationLagSeconds('2026-01-01T00:00:02.000Z', now)).toBe(0);
    expect(propagationLagSeconds('yesterday-ish', now)).toBeUndefined();
  });
});

describe('ConsumerMetrics', () => {
  let registry: Registry;
  let stats: ConsumerStats;
  let metrics: ConsumerMetrics;

  beforeEach(() => {
    registry = new Registry();
    stats = new ConsumerStats();
    metrics = new ConsumerMetrics(registry, stats);
    metrics.onModuleInit();
  });

  it('exports every outcome from the start', async () => {
    for (const outcome of ['applied', 'duplicate', 'stale', 'parked', 'dead_lettered']) {
      expect(await sample(registry, `converge_events_total{outcome="${outcome}"}`)).toBe(0);
    }
  });

  it('counts each committed batch by outcome and observes each applied event, while totals keep adding up', async () => {
    const recent = new Date(Date.now() - 5).toISOString();
    stats.add({ applied: 2, duplicates: 1, stale: 0, parked: 1, deadLettered: 0 }, [
      { type: 'ItemAdded', occurredAt: recent },
      { type: 'CartSnapshot', occurredAt: recent },
    ]);
    stats.add(
      { applied: 1, duplicates: 0, stale: 3, parked: 0, deadLettered: 2 },
      [{ type: 'ItemAdded', occurredAt: recent }],
      ['not-json', 'unknown-type'],
    );

    expect(await sample(registry, 'converge_events_total{outcome="applied"}')).toBe(3);
    expect(await sample(registry, 'converge_events_total{outcome="duplicate"}')).toBe(1);
    expect(await sample(registry, 'converge_events_total{outcome="stale"}')).toBe(3);
    expect(await sample(registry, 'converge_events_total{outcome="parked"}')).toBe(1);
    expect(await sample(registry, 'converge_events_total{outcome="dead_lettered"}')).toBe(2);
    expect(await sample(registry, 'converge_propagation_lag_seconds_count')).toBe(3);
    expect(await sample(registry, 'converge_propagation_lag_seconds_bucket{le="10"}')).toBe(3);
    expect(stats.totals).toEqual({ applied: 3, duplicates: 1, stale: 3, parked: 1, deadLettered: 2 });
    expect(await sample(registry, 'converge_dead_letters_total{reason="not-json"}')).toBe(1);
    expect(await sample(registry, 'converge_dead_letters_total{reason="unknown-type"}')).toBe(1);
    expect(await sample(registry, 'converge_repairs_applied_total')).toBe(1);
  });

  it('stops counting once the module is destroyed', async () => {
    metrics.onModuleDestroy();
    stats.add({ applied: 1, duplicates: 0, stale: 0, parked: 0, deadLettered: 0 }, [
      { type: 'ItemAdded', occurredAt: new Date().toISOString() },
    ]);
    expect(await sample(registry, 'converge_events_total{outcome="applied"}')).toBe(0);
    expect(stats.totals.applied).toBe(1);
  });
});
