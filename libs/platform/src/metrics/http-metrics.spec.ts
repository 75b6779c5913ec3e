import { Body, Controller, Get, Module, Param, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { IsInt, Min } from 'class-validator';
import { z } from 'zod';
import { httpServerLimits, httpServerVars } from '../config/http-server-config';
import { createHttpApp } from '../http/create-http-app';
import { routeLabel, UNMATCHED_ROUTE } from './http-metrics';
import { MetricsModule } from './metrics.module';

class Quantity {
  @IsInt()
  @Min(1)
  quantity!: number;
}

@Controller('carts/:cartId')
class ProbeController {
  @Get()
  get(@Param('cartId') cartId: string) {
    return { cartId };
  }

  @Post('items')
  add(@Body() body: Quantity) {
    return body;
  }
}

@Module({ imports: [MetricsModule], controllers: [ProbeController] })
class ProbeModule {}

describe('routeLabel', () => {
  it('keeps the pattern, names unmatched requests, and leaves out scrapes and probes', () => {
    expect(routeLabel('/carts/:cartId/items')).toBe('/carts/:cartId/items');
    expect(routeLabel(undefined)).toBe(UNMATCHED_ROUTE);
    expect(routeLabel('/metrics')).toBeUndefined();
    expect(routeLabel('/health/ready')).toBeUndefined();
  });
});

describe('HTTP request metrics on the Fastify app', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    // Swagger UI's static files pull in an ESM-only package Jest cannot load; the docs are not under test.
    jest.spyOn(SwaggerModule, 'setup').mockImplementation(() => undefined);
    const limits = httpServerLimits(z.object(httpServerVars).parse({}));
    app = await createHttpApp(ProbeModule, { title: 't', description: 'd', logLevel: 'error', limits });
    await app.init();
  });
  afterAll(() => app?.close());

  const call = (method: 'GET' | 'POST', url: string, payload?: string) =>
    app.inject({ method, url, payload, headers: payload ? { 'content-type': 'application/json' } : {} });

  it('counts by route pattern and status, including bodies rejected before any handler runs', async () => {
    expect((await call('GET', '/carts/a1')).statusCode).toBe(200);
    expect((await call('GET', '/carts/b2')).statusCode).toBe(200);
    expect((await call('POST', '/carts/a1/items', '{"quantity":2}')).statusCode).toBe(201);
    expect((await call('POST', '/carts/a1/items', '{"quantity":0}')).statusCode).toBe(400);
    expect((await call('POST', '/carts/a1/items', '{not json')).statusCode).toBe(400);
    expect((await call('GET', '/nowhere/at/all')).statusCode).toBe(404);

    const scrape = await call('GET', '/metrics');
    expect(scrape.statusCode).toBe(200);
    expect(scrape.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const count = (labels: string) =>
      scrape.body.match(new RegExp(`^converge_http_request_duration_seconds_count\\{${labels}\\} (\\d+)$`, 'm'))?.[1];
    expect(count('method="GET",route="/carts/:cartId",status_code="200"')).toBe('2');
    expect(count('method="POST",route="/carts/:cartId/items",status_code="201"')).toBe('1');
    expect(count('method="POST",route="/carts/:cartId/items",status_code="400"')).toBe('2');
    expect(count(`method="GET",route="${UNMATCHED_ROUTE}",status_code="404"`)).toBe('1');
    expect(scrape.body).not.toMatch(/a1|b2|nowhere|route="\/metrics"/);
    expect(scrape.body).toMatch(/^process_resident_memory_bytes \d+/m);
  });
});
