import { Injectable, Logger } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { ScrapeSource } from '@converge/platform';
import { PartitionWatermarks, type PartitionWatermark } from '../infrastructure/partition-watermarks.repository';

/**
 * The sync indicator: how far behind the write side each partition's applied watermark is. It
 * grows when the relay, the broker or the consumer stalls, whichever it is, even with no writes.
 */
@Injectable()
export class WatermarkMetrics {
  constructor(registry: Registry, watermarks: PartitionWatermarks) {
    const applied = new ScrapeSource<PartitionWatermark[]>(
      'the applied watermarks',
      () => watermarks.all(),
      new Logger('WatermarkMetrics'),
    );
    new Gauge({
      name: 'converge_watermark_age_seconds',
      help: 'Now minus the latest watermark applied, by partition: an upper bound on how stale a read of it is',
      labelNames: ['partition'],
      registers: [registry],
      async collect() {
        for (const { partition, atMs } of (await applied.value()) ?? []) {
          this.set({ partition: String(partition) }, Math.max(0, Date.now() - atMs) / 1000);
        }
      },
    });
  }
}
