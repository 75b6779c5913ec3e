import { nearestRank } from '../journeys/nearest-rank';

/** When the token-less reads go out, in ms after the write's acknowledgement. */
export const READ_OFFSETS_MS = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] as const;

/** What the experiment needs of the system: one write, and the two kinds of read. */
export interface WindowProbe {
  /** Writes once; resolves with the version acknowledged. */
  write(): Promise<number>;
  /** A read without a session token: the version it answered, undefined if none. */
  readWithoutToken(): Promise<number | undefined>;
  /** A read with the write's session token: how long it took to answer 200, undefined if it did not. */
  readWithToken(): Promise<number | undefined>;
}

export interface WindowCurve {
  offsetsMs: number[];
  /** Per offset: the share of reads that answered older than the acknowledged write. */
  staleShare: number[];
  readsPerOffset: number;
  /** How long the token read waited for the read model to reach the write. */
  tokenWaitMs: { p50?: number; p99?: number; max?: number; failed: number };
}

/** One write's reads: stale or not at each offset, and how long its token read waited (undefined: it failed). */
export interface WindowRound {
  staleAt: boolean[];
  tokenWait?: number;
}

/**
 * The lessons' question, "how long is your inconsistency window?", answered by measuring: write,
 * then read without a token at fixed offsets after the acknowledgement, many times over, and
 * count the stale answers. A token read beside shows what read-your-writes costs instead.
 */
export class WindowExperiment {
  constructor(
    private readonly probe: WindowProbe,
    private readonly offsetsMs: readonly number[] = READ_OFFSETS_MS,
  ) {}

  async run(rounds: number): Promise<WindowCurve> {
    const measured: WindowRound[] = [];
    for (let round = 0; round < rounds; round++) measured.push(await this.round());
    return this.curve(measured);
  }

  /** One write, read at every offset after its acknowledgement, and once with its token. */
  async round(): Promise<WindowRound> {
    const version = await this.probe.write();
    const acknowledged = Date.now();
    const token = this.probe.readWithToken();
    const staleAt = await Promise.all(
      this.offsetsMs.map(async (offset) => {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, acknowledged + offset - Date.now())));
        const seen = await this.probe.readWithoutToken();
        return seen === undefined || seen < version;
      }),
    );
    return { staleAt, tokenWait: await token };
  }

  curve(rounds: readonly WindowRound[]): WindowCurve {
    const stale = this.offsetsMs.map((_, i) => rounds.filter((round) => round.staleAt[i]).length);
    const waits = rounds.flatMap((round) => (round.tokenWait === undefined ? [] : [round.tokenWait]));
    return {
      offsetsMs: [...this.offsetsMs],
      staleShare: stale.map((count) => count / rounds.length),
      readsPerOffset: rounds.length,
      tokenWaitMs: { ...percentiles(waits), failed: rounds.length - waits.length },
    };
  }
}

function percentiles(values: number[]): { p50?: number; p99?: number; max?: number } {
  if (values.length === 0) return {};
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: nearestRank(sorted, 0.5), p99: nearestRank(sorted, 0.99), max: sorted[sorted.length - 1] };
}
