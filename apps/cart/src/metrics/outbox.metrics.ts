import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { OUTBOX_RELAY, type OutboxRelay } from '@converge/outbox';
import { ScrapeSource } from '@converge/platform';

/** What the metrics need of the relay; a narrow port keeps them testable without a database. */
export type ObservedRelay = Pick<OutboxRelay, 'backlog' | 'onPublished' | 'isLeader'>;

/** From a relay woken right after the commit (ms) to one waiting out a broker outage (minutes). */
export const PUBLISH_DELAY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
];

/** The transactional outbox as Prometheus sees it: how much waits, how much went out, how late. */
@Injectable()
export class OutboxMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly published: Counter;
  private readonly delay: Histogram;
  private stopListening?: () => void;

  constructor(
    registry: Registry,
    @Inject(OUTBOX_RELAY) private readonly relay: ObservedRelay,
  ) {
    const backlog = new ScrapeSource('the outbox backlog', () => relay.backlog(), new Logger('OutboxMetrics'));
    new Gauge({
      name: 'converge_outbox_backlog',
      help: 'Outbox rows not yet published, read at scrape time',
      registers: [registry],
      async collect() {
        const rows = await backlog.value();
        if (rows !== undefined) this.set(rows);
      },
    });
    new Gauge({
      name: 'converge_outbox_relay_leader',
      help: '1 while this instance holds the relay lock and publishes, else 0',
      registers: [registry],
      collect() {
        this.set(relay.isLeader ? 1 : 0);
      },
    });
    this.published = new Counter({
      name: 'converge_outbox_published_total',
      help: 'Outbox rows published to the broker and marked',
      registers: [registry],
    });
    this.delay = new Histogram({
      name: 'converge_outbox_publish_delay_seconds',
      help: "Time from an outbox row's creation to its publication, observed once per batch for its oldest row",
      buckets: PUBLISH_DELAY_BUCKETS,
      registers: [registry],
    });
  }

  onModuleInit(): void {
    this.stopListening = this.relay.onPublished((rows, oldestCreatedAt) => {
      this.published.inc(rows);
      // created_at is the database's clock: a skew against ours must not read as a negative delay.
      this.delay.observe(Math.max(0, Date.now() - oldestCreatedAt.getTime()) / 1000);
    });
  }

  onModuleDestroy(): void {
    this.stopListening?.();
  }
}
