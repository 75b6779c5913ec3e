import { CartClient } from '../test/support/cart-client';
import { percentile } from '../bench/lib/stats';
import { requestJson } from '../test/support/http';

/** One read model the demo can read from and operate: a Cart-Query instance, or a region of its own. */
export interface ReadSide {
  name: string;
  reader: CartClient;
  setPaused(paused: boolean): Promise<void>;
  setDelay(minMs: number, maxMs: number): Promise<void>;
}

/** What a demo runs against: one Cart, one or more read sides, and a place to say what it sees. */
export interface DemoContext {
  writer: CartClient;
  readSides: ReadSide[];
  say(line: string): void;
}

/** A demo's finding: the figures it printed, also returned for its e2e test to assert on. */
export interface Demo<Finding> {
  name: string;
  /** What it does, in a few lines, printed before it runs. */
  explain: string[];
  /** Read sides with read models of their own (monotonic reads compares two). */
  readSides: 1 | 2;
  run(context: DemoContext): Promise<Finding>;
}

export function readSide(name: string, url: string, authorization: string, operator: string): ReadSide {
  const operate = async (path: string, body: unknown) => {
    const answer = await requestJson(`${url}/operations/${path}`, {
      method: 'PUT',
      headers: { Authorization: operator, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (answer.status !== 200) throw new Error(`PUT /operations/${path} answered ${answer.status}`);
  };
  return {
    name,
    reader: new CartClient(url, authorization),
    setPaused: (paused) => operate('consumption', { paused }),
    setDelay: (minMs, maxMs) => operate('replication-delay', { minMs, maxMs }),
  };
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads until the read side answers `version` or later, without a token; how long that took, in ms. */
export async function untilVisible(
  reader: CartClient,
  cartId: string,
  version: number,
  since: number,
): Promise<number> {
  for (;;) {
    const answer = await reader.getCart(cartId);
    if (answer.status === 200 && answer.body.version >= version) return Date.now() - since;
    if (Date.now() - since > 30_000) throw new Error(`v${version} of ${cartId} not visible after 30 s`);
    await pause(2);
  }
}

/** The median, nearest rank: the demos print it beside the extremes. */
export const median = (values: number[]): number => percentile(values, 50) ?? Number.NaN;
