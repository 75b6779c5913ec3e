import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { EVENT_BROKER, type EventBroker } from '@converge/kafka';
import { PublicRoute } from '../http/public-route';

const PROBE_TIMEOUT_MS = 1500;

/** Live: the process serves HTTP. Ready: its database and Kafka both answer. */
@ApiTags('health')
@PublicRoute()
@Controller('health')
export class HealthHttpController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_BROKER) private readonly broker: EventBroker,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: PROBE_TIMEOUT_MS }),
      () => this.kafka(),
    ]);
  }

  private async kafka() {
    const indicator = this.indicators.check('kafka');
    try {
      await this.broker.ping(PROBE_TIMEOUT_MS);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}
