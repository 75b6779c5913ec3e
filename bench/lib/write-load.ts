import autocannon from 'autocannon';

export interface WriteLoadResult {
  offeredRate?: number;
  achievedRate: number;
  ok: number;
  failed: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

const SKUS = Array.from({ length: 10 }, (_, i) => `SKU-${i}`);
const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)];

/**
 * Adds one item to a random cart at a fixed offered rate (or as fast as it goes when no rate is
 * given), through Cart's REST API, like many independent clients would.
 */
export async function runWriteLoad(
  cartUrl: string,
  cartIds: string[],
  seconds: number,
  rate?: number,
): Promise<WriteLoadResult> {
  const result = await autocannon({
    url: cartUrl,
    connections: rate ? Math.min(64, Math.max(8, Math.ceil(rate / 50))) : 64,
    duration: seconds,
    overallRate: rate,
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => ({
          ...request,
          path: `/carts/${pick(cartIds)}/items`,
          body: JSON.stringify({ sku: pick(SKUS), quantity: 1 }),
        }),
      },
    ],
  });
  return {
    offeredRate: rate,
    achievedRate: Math.round(result['2xx'] / seconds),
    ok: result['2xx'],
    failed: result.non2xx + result.errors + result.timeouts,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
  };
}
