import type { Demo } from './demo';

export interface MonotonicReadsFinding {
  /** Reads alternating between the two read models without tokens: versions seen, in order. */
  withoutTokens: number[];
  wentBackWithoutTokens: boolean;
  /** The same with each read's token passed to the next: a 503 instead of an older answer. */
  withTokens: Array<number | 'behind'>;
  wentBackWithTokens: boolean;
}

const WRITES = 5;

export const monotonicReads: Demo<MonotonicReadsFinding> = {
  name: 'monotonic-reads',
  explain: [
    'Two read models, each fed by its own consumer group, as two regions would be; the second is held still.',
    'A client reading from one then the other without tokens sees its cart go back in time. Passing each',
    "answer's session token to the next read, the lagging region answers 503 rather than an older version.",
  ],
  readSides: 2,
  async run({ writer, readSides: [near, far], say }) {
    const created = await writer.createCart();
    const cartId = created.body.id;
    let token = (await writer.addItem(cartId, 'fig', 1, created.token)).token;
    // Both regions have v1; then the far one stops, and the cart moves on.
    await near.reader.getCart(cartId, token);
    await far.reader.getCart(cartId, token);
    await far.setPaused(true);
    try {
      for (let i = 0; i < WRITES; i++) token = (await writer.addItem(cartId, 'fig', 1, token)).token;
      await near.reader.getCart(cartId, token);

      const withoutTokens: number[] = [];
      for (const side of [near, far, near, far]) withoutTokens.push((await side.reader.getCart(cartId)).body.version);
      say(`without tokens, ${near.name} then ${far.name}, twice: ${withoutTokens.map((v) => `v${v}`).join(' → ')}`);

      const withTokens: Array<number | 'behind'> = [];
      let carried: string | undefined;
      for (const side of [near, far, near, far]) {
        const answer = await side.reader.getCart(cartId, carried);
        withTokens.push(answer.status === 200 ? answer.body.version : 'behind');
        carried = answer.status === 200 ? answer.token : carried;
      }
      say(
        `passing each answer's token on: ${withTokens.map((v) => (v === 'behind' ? '503 (behind)' : `v${v}`)).join(' → ')}`,
      );
      return {
        withoutTokens,
        wentBackWithoutTokens: wentBack(withoutTokens),
        withTokens,
        wentBackWithTokens: wentBack(withTokens.filter((v): v is number => v !== 'behind')),
      };
    } finally {
      await far.setPaused(false);
    }
  },
};

function wentBack(versions: number[]): boolean {
  return versions.some((version, i) => i > 0 && version < versions[i - 1]);
}
