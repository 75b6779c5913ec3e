import { type WindowProbe, WindowExperiment } from './window-experiment';

/** A read model that reaches each write `lagMs` after it was acknowledged, on the real clock. */
function simulated(lagMs: number, tokenWaitMs: number | undefined): WindowProbe {
  let version = 0;
  const appliedAt = new Map<number, number>();
  return {
    write: async () => {
      version += 1;
      appliedAt.set(version, Date.now() + lagMs);
      return version;
    },
    readWithoutToken: async () => {
      const applied = [...appliedAt].filter(([, at]) => at <= Date.now()).map(([v]) => v);
      return applied.length === 0 ? undefined : Math.max(...applied);
    },
    readWithToken: async () => tokenWaitMs,
  };
}

describe('WindowExperiment', () => {
  it('counts a read stale until the read model reaches the write, per offset after the acknowledgement', async () => {
    // Margins far wider than a timer's slack: 0 and 10 ms are before the 80 ms lag, 250 ms after.
    const curve = await new WindowExperiment(simulated(80, 12), [0, 10, 250]).run(3);
    expect(curve).toEqual({
      offsetsMs: [0, 10, 250],
      staleShare: [1, 1, 0],
      readsPerOffset: 3,
      tokenWaitMs: { p50: 12, p99: 12, max: 12, failed: 0 },
    });
  });

  it('counts token reads that never answered apart from their wait', async () => {
    const curve = await new WindowExperiment(simulated(5, undefined), [0]).run(3);
    expect(curve.tokenWaitMs).toEqual({ failed: 3 });
  });
});
