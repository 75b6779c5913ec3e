import { Agent, request } from 'node:http';
import { bearer } from '../../test/support/test-env';
import { percentile } from './stats';

export interface WriteLoadResult {
  offeredRate?: number;
  achievedRate: number;
  ok: number;
  failed: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

const SKUS = Array.from({ length: 10 }, (_, i) => `SKU-${i}`);
const MAX_WORKERS = 64;
/** One caller owns every cart of a bench run; its token outlives any run. */
const AUTHORIZATION = bearer();
const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)];

class Tally {
  ok = 0;
  failed = 0;
  lastAnswerAt = 0;
  readonly latencies: number[] = [];

  /** Over the time until the last answer: answers that arrive late do not count as on time. */
  result(startedAt: number, rate?: number): WriteLoadResult {
    const seconds = (this.lastAnswerAt - startedAt) / 1000;
    return {
      offeredRate: rate,
      achievedRate: Math.round(this.ok / seconds),
      ok: this.ok,
      failed: this.failed,
      latencyP50Ms: Number((percentile(this.latencies, 50) ?? 0).toFixed(1)),
      latencyP99Ms: Number((percentile(this.latencies, 99) ?? 0).toFixed(1)),
    };
  }
}

/** One add-item request to a random cart; resolves when answered, never rejects. */
function addItem(agent: Agent, url: URL, cartIds: string[], tally: Tally, scheduledAt: number): Promise<void> {
  const body = JSON.stringify({ sku: pick(SKUS), quantity: 1 });
  return new Promise((resolve) => {
    const call = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: `/carts/${pick(cartIds)}/items`,
        headers: {
          authorization: AUTHORIZATION,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => {
          // From when it was due, not when it was sent: a late send is the system's delay too.
          tally.latencies.push(performance.now() - scheduledAt);
          tally.lastAnswerAt = performance.now();
          if (response.statusCode === 200) tally.ok++;
          else tally.failed++;
          resolve();
        });
      },
    );
    call.on('error', () => {
      tally.failed++;
      resolve();
    });
    call.end(body);
  });
}

/**
 * Adds one item to a random cart through Cart's REST API. With a rate: an open loop, requests
 * due at even intervals whatever the answers do (many independent clients). Without: a closed
 * loop of 64 clients sending back to back, to find the ceiling.
 */
export async function runWriteLoad(
  cartUrl: string,
  cartIds: string[],
  seconds: number,
  rate?: number,
): Promise<WriteLoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: MAX_WORKERS });
  const url = new URL(cartUrl);
  const tally = new Tally();
  const startedAt = performance.now();
  const end = startedAt + seconds * 1000;
  try {
    if (rate) await openLoop(rate, end, () => addItem(agent, url, cartIds, tally, performance.now()));
    else await closedLoop(end, () => addItem(agent, url, cartIds, tally, performance.now()));
  } finally {
    agent.destroy();
  }
  return tally.result(startedAt, rate);
}

async function openLoop(rate: number, end: number, send: () => Promise<void>): Promise<void> {
  const interval = 1000 / rate;
  const pending: Promise<void>[] = [];
  let due = performance.now();
  while (due < end) {
    while (due <= performance.now() && due < end) {
      pending.push(send());
      due += interval;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
  }
  await Promise.all(pending);
}

async function closedLoop(end: number, send: () => Promise<void>): Promise<void> {
  const worker = async () => {
    while (performance.now() < end) await send();
  };
  await Promise.all(Array.from({ length: MAX_WORKERS }, worker));
}
