import type { CatchUpResult } from './catch-up';
import type { CheckedStepResult } from './checked-step';
import type { StepResult } from './step';
import { round } from './stats';

const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
const ms = (value: number | undefined) => (value === undefined ? 'not measured (no 200/s step)' : `${round(value)} ms`);

/** Issue #5's targets, each with the figure measured against its goal. */
export function targets(steps: StepResult[], catchUps: CatchUpResult[], checked: CheckedStepResult[]): string {
  const ours = steps.filter((s) => s.mode === 'converge');
  const at200 = ours.find((s) => s.rate === 200);
  // Sustained: the writes keep pace (at a fixed rate, ≥ 95% of it, with no queue building up in
  // front of Cart: write p99 ≤ 250 ms), propagation p99 ≤ 50 ms, and the backlog drained.
  const sustained = ours
    .filter((s) => s.load.failed === 0 && s.backlogAtEnd.outbox + s.backlogAtEnd.consumer < s.load.achievedRate)
    .filter((s) => s.load.latencyP99Ms <= 250 && (s.rate === 'max' || s.load.achievedRate >= 0.95 * s.rate))
    .filter((s) => (s.propagationMs.p99 ?? Infinity) <= 50)
    .map((s) => s.load.achievedRate);
  const best = sustained.length ? Math.max(...sustained) : 0;
  const catchUp = catchUps.find((c) => c.mode === 'converge');
  const rss = Math.max(...ours.flatMap((s) => [s.usage.cart.peakRssMb, s.usage['cart-query'].peakRssMb]));
  const rows = [
    [
      'propagation p50 at 200 writes/s ≤ 5 ms',
      ms(at200?.propagationMs.p50),
      (at200?.propagationMs.p50 ?? Infinity) <= 5,
    ],
    [
      'propagation p99 at 200 writes/s ≤ 20 ms',
      ms(at200?.propagationMs.p99),
      (at200?.propagationMs.p99 ?? Infinity) <= 20,
    ],
    [
      'sustained ≥ 1,500 writes/s (write p99 ≤ 250 ms) with propagation p99 ≤ 50 ms, backlog drained',
      `${best} writes/s`,
      best >= 1500,
    ],
    ['catch-up ≥ 10,000 events/s', `${catchUp?.eventsPerSecond} events/s`, (catchUp?.eventsPerSecond ?? 0) >= 10_000],
    ['each Node service ≤ 200 MB RSS', `${rss} MB peak`, rss <= 200],
    [
      'no guarantee broken under load, in either mode (history checker)',
      checked.map((c) => `${c.mode}: ${c.summary.violations} violations`).join(', '),
      checked.length > 0 && checked.every((c) => c.summary.violations === 0 && !c.failure),
    ],
  ] as const;
  return [
    '| target | measured | verdict |',
    '| --- | --- | --- |',
    ...rows.map(([name, figure, met]) => `| ${name} | ${figure} | ${verdict(met)} |`),
  ].join('\n');
}
