import { serverSentEvents } from '@converge/platform';
import { CartClient } from '../support/cart-client';
import { eventually } from '../support/eventually';
import { freePort } from '../support/service-process';
import { TestStack } from '../support/stack';
import { scrape, valueOf } from './prometheus-text';

const HTTP_COUNT = 'converge_http_request_duration_seconds_count';

/** The gauges of the studio's first feed message: what it read from the services' /metrics. */
async function studioGauges(studioUrl: string): Promise<{ outboxBacklog?: number; at?: string }> {
  const abort = new AbortController();
  const response = await fetch(`${studioUrl}/api/feed`, {
    signal: abort.signal,
    headers: { Accept: 'text/event-stream' },
  });
  try {
    for await (const message of serverSentEvents(response.body!)) {
      return (JSON.parse(message.data) as { gauges: { outboxBacklog?: number; at?: string } }).gauges;
    }
    throw new Error('the feed ended before its first message');
  } finally {
    abort.abort();
  }
}

describe('METRICS_PORT: /metrics on a port of its own', () => {
  let stack: TestStack;
  const metricsPorts: number[] = [];
  const metricsUrl = (port: number): string => `http://127.0.0.1:${port}`;

  beforeAll(async () => {
    metricsPorts.push(await freePort(), await freePort());
    stack = await TestStack.start({
      cartEnv: () => ({ METRICS_PORT: String(metricsPorts[0]) }),
      queryEnv: () => ({ METRICS_PORT: String(metricsPorts[1]) }),
    });
  });
  afterAll(() => stack?.stop());

  it.each([
    ['Cart', 0],
    ['Cart-Query', 1],
  ])('%s serves /metrics on METRICS_PORT only, and its main port answers 404 NOT_FOUND', async (_, index) => {
    const service = index === 0 ? stack.cart[0] : stack.query[0];

    const separate = await scrape(metricsUrl(metricsPorts[index]));
    expect(separate.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(separate.text).toContain('process_cpu_seconds_total');
    const main = await fetch(`${service.url}/metrics`);
    expect(main.status).toBe(404);
    expect(await main.json()).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    // The API stays on the main port, and the metrics port serves nothing else.
    expect((await fetch(`${service.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${metricsUrl(metricsPorts[index])}/health/live`)).status).toBe(404);
  });

  it('shares the registry of the API: a request on the main port is counted on the metrics port', async () => {
    const write = new CartClient(stack.cart[0].url);
    expect((await write.createCart()).status).toBe(201);

    const { samples } = await scrape(metricsUrl(metricsPorts[0]));
    expect(valueOf(samples, HTTP_COUNT, { method: 'POST', route: '/carts', status_code: '201' })).toBe(1);
  });

  it('the studio, told CART_METRICS_URL and CART_QUERY_METRICS_URLS, reads the gauges there, and has a METRICS_PORT too', async () => {
    const studioMetricsPort = await freePort();
    const studio = await stack.startStudio({
      METRICS_PORT: String(studioMetricsPort),
      CART_METRICS_URL: metricsUrl(metricsPorts[0]),
      CART_QUERY_METRICS_URLS: metricsUrl(metricsPorts[1]),
    });

    await eventually(async () => {
      expect((await studioGauges(studio.url)).outboxBacklog).toEqual(expect.any(Number));
    }, 20_000);
    expect((await scrape(metricsUrl(studioMetricsPort))).text).toContain('process_cpu_seconds_total');
    expect((await fetch(`${studio.url}/metrics`)).status).toBe(404);
  });
});
