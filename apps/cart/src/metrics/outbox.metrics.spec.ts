import { Logger } from '@nestjs/common';
import { Registry } from 'prom-client';
import type { PublishedListener } from '@converge/outbox';
import { type ObservedRelay, OutboxMetrics } from './outbox.metrics';

class FakeRelay implements ObservedRelay {
  isLeader = false;
  pending: () => Promise<number> = async () => 0;
  readonly listeners = new Set<PublishedListener>();

  backlog(): Promise<number> {
    return this.pending();
  }

  onPublished(listener: PublishedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(rows: number, oldestCreatedAt: Date): void {
    for (const listener of this.listeners) listener(rows, oldestCreatedAt);
  }
}

/** One series' value as a scrape shows it, e.g. `name` or `name_count`. */
async function sample(registry: Registry, series: string): Promise<number | undefined> {
  const line = (await registry.metrics()).split('\n').find((text) => text.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('OutboxMetrics', () => {
  let registry: Registry;
  let relay: FakeRelay;
  let metrics: OutboxMetrics;

  beforeEach(() => {
    registry = new Registry();
    relay = new FakeRelay();
    metrics = new OutboxMetrics(registry, relay);
    metrics.onModuleInit();
  });

  afterEach(() => jest.useRealTimers());

  it('counts published rows and observes each batch once, by the age of its oldest row', async () => {
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:01.000Z'), doNotFake: ['setTimeout', 'clearTimeout'] });
    relay.publish(3, new Date('2026-01-01T00:00:00.990Z'));
    relay.publish(2, new Date('2026-01-01T00:00:00.800Z'));

    expect(await sample(registry, 'converge_outbox_published_total')).toBe(5);
    expect(await sample(registry, 'converge_outbox_publish_delay_seconds_count')).toBe(2);
    expect(await sample(registry, 'converge_outbox_publish_delay_seconds_sum')).toBeCloseTo(0.21, 6);
  });

  it('never observes a negative delay when the database clock is ahead', async () => {
    relay.publish(1, new Date(Date.now() + 60_000));
    expect(await sample(registry, 'converge_outbox_publish_delay_seconds_sum')).toBe(0);
  });

  it('reads the backlog and leadership at scrape time', async () => {
    relay.pending = async () => 7;
    relay.isLeader = true;
    expect(await sample(registry, 'converge_outbox_backlog')).toBe(7);
    expect(await sample(registry, 'converge_outbox_relay_leader')).toBe(1);
    relay.isLeader = false;
    expect(await sample(registry, 'converge_outbox_relay_leader')).toBe(0);
  });

  it('keeps the previous backlog when the database cannot answer, and the scrape still succeeds', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    relay.pending = async () => 4;
    expect(await sample(registry, 'converge_outbox_backlog')).toBe(4);
    relay.pending = async () => {
      throw new Error('connection refused');
    };
    // A second later: the value read before is no longer fresh, so the scrape reads again.
    const later = Date.now() + 1500;
    jest.spyOn(Date, 'now').mockImplementation(() => later);
    await expect(registry.metrics()).resolves.toContain('converge_outbox_backlog 4');
    jest.mocked(Date.now).mockRestore();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('connection refused'));
    warn.mockRestore();
  });

  it('stops listening when the module is destroyed', () => {
    metrics.onModuleDestroy();
    expect(relay.listeners.size).toBe(0);
  });
});
