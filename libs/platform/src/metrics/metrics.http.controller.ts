import { Controller, Get, Header, NotFoundException } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { PublicRoute } from '../http/public-route';
import { MetricsPort } from './metrics-port';

@ApiTags('metrics')
@PublicRoute()
@Controller('metrics')
export class MetricsHttpController {
  constructor(
    private readonly registry: Registry,
    private readonly metricsPort: MetricsPort,
  ) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @ApiProduces(Registry.PROMETHEUS_CONTENT_TYPE)
  @ApiOkResponse({ description: 'Prometheus text exposition format 0.0.4' })
  metrics(): Promise<string> {
    // Moved to METRICS_PORT: the main port answers as it would for any route it does not have.
    if (!this.metricsPort.servedOnMainPort) throw new NotFoundException('Cannot GET /metrics');
    return this.registry.metrics();
  }
}
