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
    const parked = new ScrapeSource(
      'the parked events',
      () => parking.count(dataSource),
      new Logger('ParkedEventsMetrics'),
    );
    new Gauge({
      name: 'converge_parked_events',
      help: 'Events parked behind a version gap, read at scrape time',
      registers: [registry],
      async collect() {
        const count = await parked.value();
        if (count !== undefined) this.set(count);
      },
    });
  }
}
