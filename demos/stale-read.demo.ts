import { type Demo, median, untilVisible } from './demo';

export interface StaleReadFinding {
  rounds: number;
  staleRightAfter: number;
  convergedAfterMs: number[];
}

const ROUNDS = 20;

export const staleRead: Demo<StaleReadFinding> = {
  name: 'stale-read',
  explain: [
    'Writes to a cart, then reads it at once from Cart-Query without a session token: the answer is',
    'often the version before the write. Then reads again until the write shows, and says how long that took.',
  ],
  readSides: 1,
  async run({ writer, readSides: [side], say }) {
    const created = await writer.createCart();
    const cartId = created.body.id;
    let staleRightAfter = 0;
    const convergedAfterMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const written = await writer.addItem(cartId, 'apple', 1);
      const acknowledged = Date.now();
      const read = await side.reader.getCart(cartId);
      const stale = read.status !== 200 || read.body.version < written.body.version;
      if (stale) staleRightAfter += 1;
      convergedAfterMs.push(await untilVisible(side.reader, cartId, written.body.version, acknowledged));
      const seen = read.status === 200 ? `v${read.body.version}` : `${read.status}`;
      if (round < 5)
        say(`wrote v${written.body.version}; read at once without a token: ${seen}${stale ? ' (stale)' : ''}`);
    }
    say(`${staleRightAfter} of ${ROUNDS} reads right after the write were stale;`);
    say(
      `the write became visible ${median(convergedAfterMs)} ms after its acknowledgement (median; max ${Math.max(...convergedAfterMs)} ms)`,
    );
    return { rounds: ROUNDS, staleRightAfter, convergedAfterMs };
  },
};
