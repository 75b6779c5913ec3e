import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { PublicRoute } from '../http/public-route';
import { shutdownDrain } from '../http/shutdown-drain';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness-check';

const PROBE_TIMEOUT_MS = 1500;

/** Live: the process serves HTTP. Ready: it is not shutting down, and its database and every check the app gave answer. */
@ApiTags('health')
@PublicRoute()
@Controller('health')
export class HealthHttpController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
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
      () => this.shutdown(),
      () => this.database.pingCheck('database', { timeout: PROBE_TIMEOUT_MS }),
      ...this.checks.map((check) => () => this.probe(check)),
    ]);
  }

  /** Stopping: not ready, so that a load balancer stops routing here while the process drains. */
  private shutdown() {
    const indicator = this.indicators.check('shutdown');
    return shutdownDrain.active ? indicator.down({ message: 'draining before shutdown' }) : indicator.up();
  }

  private async probe(check: ReadinessCheck) {
    const indicator = this.indicators.check(check.name);
    try {
      const details = await check.probe(PROBE_TIMEOUT_MS);
      return indicator.up(details ?? undefined);
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}
