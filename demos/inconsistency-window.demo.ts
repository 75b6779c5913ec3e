import {
  READ_OFFSETS_MS,
  type WindowCurve,
  WindowExperiment,
} from '../apps/studio/src/measure-window/window-experiment';
import type { Demo } from './demo';

export interface InconsistencyWindowFinding {
  settings: Array<{ minMs: number; maxMs: number; curve: WindowCurve }>;
}

const ROUNDS = 10;
const SETTINGS = [
  { minMs: 0, maxMs: 0 },
  { minMs: 50, maxMs: 200 },
];

export const inconsistencyWindow: Demo<InconsistencyWindowFinding> = {
  name: 'inconsistency-window',
  explain: [
    'How long is the inconsistency window? Writes, then reads without a token at fixed times after the',
    `acknowledgement (${READ_OFFSETS_MS.join(', ')} ms), ${ROUNDS} times over, and prints the share of stale reads at`,
    'each: without a delay, then with a random 50–200 ms replication delay. The studio draws the same curves.',
  ],
  readSides: 1,
  async run({ writer, readSides: [side], say }) {
    const created = await writer.createCart();
    const cartId = created.body.id;
    let token = created.token;
    const probe = {
      write: async () => {
        const written = await writer.addItem(cartId, 'window', 1, token);
        token = written.token;
        return written.body.version;
      },
      readWithoutToken: async () => {
        const read = await side.reader.getCart(cartId);
        return read.status === 200 ? read.body.version : undefined;
      },
      readWithToken: async () => {
        const started = Date.now();
        const read = await side.reader.getCart(cartId, token);
        return read.status === 200 ? Date.now() - started : undefined;
      },
    };
    const settings: InconsistencyWindowFinding['settings'] = [];
    try {
      say(`ms after ack:         ${READ_OFFSETS_MS.map((o) => String(o).padStart(5)).join('')}   token wait p50`);
      for (const setting of SETTINGS) {
        await side.setDelay(setting.minMs, setting.maxMs);
        const curve = await new WindowExperiment(probe).run(ROUNDS);
        settings.push({ ...setting, curve });
        const name = setting.maxMs === 0 ? 'no delay' : `delay ${setting.minMs}–${setting.maxMs}`;
        const shares = curve.staleShare.map((share) => `${Math.round(share * 100)}%`.padStart(5)).join('');
        say(`${`stale, ${name}:`.padEnd(21)} ${shares}   ${curve.tokenWaitMs.p50 ?? '–'} ms`);
      }
    } finally {
      await side.setDelay(0, 0);
    }
    return { settings };
  },
};
