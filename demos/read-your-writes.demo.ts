import { type Demo, median } from './demo';

export interface ReadYourWritesFinding {
  rounds: number;
  /** Reads with the write's session token that answered an older version: the guarantee says none. */
  tokenReadsOlder: number;
  tokenWaitMs: number[];
  /** Reads without the token, made at the same moment: how often they were stale. */
  plainReadsStale: number;
}

const ROUNDS = 20;

export const readYourWrites: Demo<ReadYourWritesFinding> = {
  name: 'read-your-writes',
  explain: [
    'Writes, then reads at once twice: without a token, and with the session token the write returned.',
    'The token read waits for the read model to reach the write and never answers older; the plain one may.',
  ],
  readSides: 1,
  async run({ writer, readSides: [side], say }) {
    const created = await writer.createCart();
    const cartId = created.body.id;
    let token = created.token;
    let tokenReadsOlder = 0;
    let plainReadsStale = 0;
    const tokenWaitMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const written = await writer.addItem(cartId, 'pear', 1, token);
      token = written.token;
      const started = Date.now();
      const [withToken, plain] = await Promise.all([side.reader.getCart(cartId, token), side.reader.getCart(cartId)]);
      tokenWaitMs.push(Date.now() - started);
      if (withToken.status !== 200 || withToken.body.version < written.body.version) tokenReadsOlder += 1;
      if (plain.status !== 200 || plain.body.version < written.body.version) plainReadsStale += 1;
      if (round < 5) {
        say(
          `wrote v${written.body.version}: with token v${withToken.body.version} after ${tokenWaitMs.at(-1)} ms; without ${plain.status === 200 ? `v${plain.body.version}` : plain.status}`,
        );
      }
    }
    say(
      `with the token: ${ROUNDS - tokenReadsOlder} of ${ROUNDS} reads showed the write (waited ${median(tokenWaitMs)} ms median, ${Math.max(...tokenWaitMs)} ms max)`,
    );
    say(`without it, at the same moment: ${plainReadsStale} of ${ROUNDS} were stale`);
    return { rounds: ROUNDS, tokenReadsOlder, tokenWaitMs, plainReadsStale };
  },
};
