import { type Demo, untilVisible } from './demo';

export interface ConsumerPauseFinding {
  writesWhilePaused: number;
  /** What a plain read and a token read answered while consumption was paused. */
  plainVersionWhilePaused: number;
  tokenStatusWhilePaused: number;
  lastVersion: number;
  caughtUpAfterResumeMs: number;
}

const WRITES = 10;

export const consumerPause: Demo<ConsumerPauseFinding> = {
  name: 'consumer-pause',
  explain: [
    "Pauses Cart-Query's consumer, as an operator would for a migration, and keeps writing: the writes are",
    'acknowledged, a plain read keeps answering the old version, a token read answers 503 READ_MODEL_BEHIND.',
    'Then resumes, and measures how long the read model takes to catch up.',
  ],
  readSides: 1,
  async run({ writer, readSides: [side], say }) {
    const created = await writer.createCart();
    const cartId = created.body.id;
    let token = (await writer.addItem(cartId, 'kiwi', 1, created.token)).token;
    await side.reader.getCart(cartId, token);
    await side.setPaused(true);
    let lastVersion = 1;
    let resumedAt = 0;
    try {
      for (let i = 0; i < WRITES; i++) {
        const written = await writer.addItem(cartId, 'kiwi', 1, token);
        token = written.token;
        lastVersion = written.body.version;
      }
      const [plain, withToken] = await Promise.all([side.reader.getCart(cartId), side.reader.getCart(cartId, token)]);
      say(`paused; ${WRITES} writes acknowledged, up to v${lastVersion}`);
      say(
        `plain read: v${plain.body.version}; token read: ${withToken.status} ${(withToken.body as unknown as { code?: string }).code ?? ''}`,
      );
      resumedAt = Date.now();
      await side.setPaused(false);
      const caughtUpAfterResumeMs = await untilVisible(side.reader, cartId, lastVersion, resumedAt);
      say(`resumed; the read model reached v${lastVersion} ${caughtUpAfterResumeMs} ms later`);
      return {
        writesWhilePaused: WRITES,
        plainVersionWhilePaused: plain.body.version,
        tokenStatusWhilePaused: withToken.status,
        lastVersion,
        caughtUpAfterResumeMs,
      };
    } finally {
      if (!resumedAt) await side.setPaused(false);
    }
  },
};
