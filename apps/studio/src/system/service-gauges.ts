import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { parseSamples, RepeatingTask, samplesOf } from '@converge/platform';
import { ServiceEndpoints } from '../services/service-endpoints';

export interface Gauges {
  /** Outbox rows Cart has not published yet; undefined while Cart does not answer. */
  outboxBacklog?: number;
  /** The Cart-Query group's lag per partition, from the first instance that answers. */
  consumerLag: Array<{ partition: number; lag: number }>;
  /** What repairing the read model has done, as the answering Cart-Query counts it since it started. */
  repairs?: { divergent: number; antiEntropy: number; readRepair: number; applied: number };
  /** The oldest partition watermark's age: every answer of the read model is at most this stale. */
  watermarkAgeMs?: number;
  at?: string;
}

const SCRAPE_EVERY_MS = 1000;

/** The services' own /metrics, read once a second: the numbers beside the feed. */
@Injectable()
export class ServiceGauges implements OnApplicationBootstrap, OnApplicationShutdown {
  private latest: Gauges = { consumerLag: [] };
  private readonly task: RepeatingTask;

  constructor(private readonly endpoints: ServiceEndpoints) {
    this.task = new RepeatingTask(
      'reading the services metrics',
      SCRAPE_EVERY_MS,
      () => this.read(),
      new Logger('Gauges'),
    );
  }

  get current(): Gauges {
    return this.latest;
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): void {
    this.task.stop();
  }

  private async read(): Promise<void> {
    const [cart, query] = await Promise.all([
      this.scrape(this.endpoints.cartMetricsUrl),
      this.firstAnswer(this.endpoints.queryMetricsUrls),
    ]);
    const backlog = cart && samplesOf(cart, 'converge_outbox_backlog')[0]?.value;
    const lag = (query ? samplesOf(query, 'converge_consumer_lag') : [])
      .map((sample) => ({ partition: Number(sample.labels.partition), lag: sample.value }))
      .sort((a, b) => a.partition - b.partition);
    const count = (name: string, labels: Record<string, string> = {}) =>
      query ? (samplesOf(query, name, labels)[0]?.value ?? 0) : 0;
    const repairs = query && {
      divergent: count('converge_divergent_carts_total'),
      antiEntropy: count('converge_repairs_requested_total', { trigger: 'anti-entropy' }),
      readRepair: count('converge_repairs_requested_total', { trigger: 'read-repair' }),
      applied: count('converge_repairs_applied_total'),
    };
    const ages = query ? samplesOf(query, 'converge_watermark_age_seconds').map((sample) => sample.value) : [];
    const watermarkAgeMs = ages.length > 0 ? Math.round(Math.max(...ages) * 1000) : undefined;
    this.latest = { outboxBacklog: backlog, consumerLag: lag, repairs, watermarkAgeMs, at: new Date().toISOString() };
  }

  private async firstAnswer(urls: readonly string[]) {
    for (const url of urls) {
      const samples = await this.scrape(url);
      if (samples) return samples;
    }
    return undefined;
  }

  private async scrape(url: string) {
    try {
      const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2000) });
      return response.ok ? parseSamples(await response.text()) : undefined;
    } catch {
      return undefined;
    }
  }
}
