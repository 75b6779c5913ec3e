import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  type HealthIndicatorResult,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { RecentValue } from '../cache/recent-value';
import { PublicRoute } from '../http/public-route';
import { shutdownDrain } from '../http/shutdown-drain';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness-check';

const PROBE_TIMEOUT_MS = 1500;
/** However often readiness is polled (it needs no token), each dependency is asked at most this often. */
export const READINESS_CACHE_MS = 1000;

/** Live: the process serves HTTP. Ready: it is not shutting down, and its database (if it has one) and every check the app gave answer. */
@ApiTags('health')
@PublicRoute()
@Controller('health')
export class HealthHttpController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
    /** An app without a database of its own (the studio) has none to ping. */
    @Optional() private readonly dataSource?: DataSource,
  ) {}

  private readonly recent = new Map<string, RecentValue<HealthIndicatorResult>>();

  /** Draining is answered at once; dependencies from what they said within READINESS_CACHE_MS. */
  private cached(name: string, probe: () => Promise<HealthIndicatorResult>): () => Promise<HealthIndicatorResult> {
    const recent = this.recent.get(name) ?? new RecentValue<HealthIndicatorResult>(READINESS_CACHE_MS);
    this.recent.set(name, recent);
    return () => recent.get(probe);
  }

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
      ...(this.dataSource
        ? [this.cached('database', () => this.database.pingCheck('database', { timeout: PROBE_TIMEOUT_MS }))]
        : []),
      ...this.checks.map((check) => this.cached(check.name, () => this.probe(check))),
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
