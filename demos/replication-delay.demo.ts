import { type Demo, median, untilVisible } from './demo';

export interface ReplicationDelayFinding {
  delay: { minMs: number; maxMs: number };
  /** Acknowledgement to first visible without a token, per write. */
  withoutDelayMs: number[];
  withDelayMs: number[];
  /** With the delay, from sending the write to first visible: never under the minimum. */
  withDelaySentMs: number[];
}

const WRITES = 15;
const DELAY = { minMs: 100, maxMs: 300 };

export const replicationDelay: Demo<ReplicationDelayFinding> = {
  name: 'replication-delay',
  explain: [
    `Injects a random ${DELAY.minMs}–${DELAY.maxMs} ms wait before Cart-Query applies each batch, as a slow replica would,`,
    'and measures, per write, how long after its acknowledgement a read without a token first shows it:',
    'without the delay, then with it.',
  ],
  readSides: 1,
  async run({ writer, readSides: [side], say }) {
    const created = await writer.createCart();
    const cartId = created.body.id;
    const measure = async () => {
      const windows: number[] = [];
      const fromSent: number[] = [];
      for (let i = 0; i < WRITES; i++) {
        const sent = Date.now();
        const written = await writer.addItem(cartId, 'plum', 1);
        const acknowledged = Date.now();
        windows.push(await untilVisible(side.reader, cartId, written.body.version, acknowledged));
        fromSent.push(windows.at(-1)! + acknowledged - sent);
      }
      return { windows, fromSent };
    };
    const { windows: withoutDelayMs } = await measure();
    say(
      `no delay: visible ${median(withoutDelayMs)} ms after the acknowledgement (median of ${WRITES}; max ${Math.max(...withoutDelayMs)})`,
    );
    await side.setDelay(DELAY.minMs, DELAY.maxMs);
    try {
      const { windows: withDelayMs, fromSent: withDelaySentMs } = await measure();
      say(
        `${DELAY.minMs}–${DELAY.maxMs} ms delay: visible after ${median(withDelayMs)} ms (median; min ${Math.min(...withDelayMs)}, max ${Math.max(...withDelayMs)})`,
      );
      return { delay: DELAY, withoutDelayMs, withDelayMs, withDelaySentMs };
    } finally {
      await side.setDelay(0, 0);
    }
  },
};
