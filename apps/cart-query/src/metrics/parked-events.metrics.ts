import { Injectable, Logger } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { ParkedEvents } from '@converge/version-gate';
import { ScrapeSource } from '@converge/platform';

/** Events waiting behind a version gap: a count that stays up means a predecessor never came. */
@Injectable()
export class ParkedEventsMetrics {
  constructor(registry: Registry, dataSource: DataSource) {
    const parking = new ParkedEvents();
    const logger = new Logger('ParkedEventsMetrics');
    const parked = new ScrapeSource('the parked events', () => parking.count(dataSource), logger);
    new Gauge({
      name: 'converge_parked_events',
      help: 'Events parked behind a version gap, read at scrape time',
      registers: [registry],
      async collect() {
        const count = await parked.value();
        if (count !== undefined) this.set(count);
      },
    });
    const oldest = new ScrapeSource('the oldest parked event', () => oldestParkedSeconds(dataSource), logger);
    new Gauge({
      name: 'converge_oldest_parked_event_age_seconds',
      help: 'How long the oldest parked event has waited; read repair asks for its cart after PARKED_REPAIR_AFTER_MS',
      registers: [registry],
      async collect() {
        const seconds = await oldest.value();
        if (seconds !== undefined) this.set(seconds);
      },
    });
  }
}

async function oldestParkedSeconds(dataSource: DataSource): Promise<number> {
  const [row] = (await dataSource.query(
    'SELECT coalesce(extract(epoch FROM now() - min(parked_at)), 0)::float8 AS seconds FROM parked_events',
  )) as Array<{ seconds: number }>;
  return row.seconds;
}
