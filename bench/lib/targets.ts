import type { CatchUpResult } from './catch-up';
import type { CheckedStepResult } from './checked-step';
import type { FloorResult } from './database-floor';
import type { Mode } from './modes';
import type { StepResult } from './step';
import { round } from './stats';

type Row = readonly [target: string, measured: string, met: boolean];

const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
const ms = (value: number | undefined) => (value === undefined ? '–' : `${round(value)} ms`);
const times = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)}×` : '–');

function lowerBy(steps: StepResult[], peer: Mode, rate: number, key: 'p50' | 'p99', factor: number): Row {
  const ours = steps.find((s) => s.mode === 'converge' && s.rate === rate)?.propagationMs[key];
  const theirs = steps.find((s) => s.mode === peer && s.rate === rate)?.propagationMs[key];
  const by = ours && theirs ? theirs / ours : NaN;
  return [
    `propagation ${key} at ${rate} writes/s ≥ ${factor}× lower than ${peer}`,
    `${ms(ours)} vs ${ms(theirs)}: ${times(by)}`,
    by >= factor,
  ];
}

/** Issue #14's targets, each with the figure measured against its goal; ratios within this run. */
export function targets(
  steps: StepResult[],
  catchUps: CatchUpResult[],
  checked: CheckedStepResult[],
  floor: FloorResult[],
  unchecked = 0,
): string {
  const ours = steps.filter((s) => s.mode === 'converge');
  const at200 = ours.find((s) => s.rate === 200)?.propagationMs;
  const atMax = ours.find((s) => s.rate === 'max');
  const ceiling = Math.max(0, ...floor.map((f) => f.transactionsPerSecond));
  const pipeline = (mode: Mode) => catchUps.find((c) => c.kind === 'pipeline' && c.mode === mode)?.eventsPerSecond;
  const debeziumBest = Math.max(pipeline('debezium-default') ?? 0, pipeline('debezium-tuned') ?? 0);
  const rssAtMax = atMax ? Math.max(atMax.usage.cart.peakRssMb, atMax.usage['cart-query'].peakRssMb) : NaN;
  const rows: Row[] = [
    ...[200, 1000].flatMap((rate) =>
      (['p50', 'p99'] as const).flatMap((key) => [
        lowerBy(steps, 'debezium-tuned', rate, key, 5),
        lowerBy(steps, 'baseline', rate, key, 50),
      ]),
    ),
    [
      'tail at 200 writes/s: p99 ≤ 4× p50',
      `${ms(at200?.p99)} ÷ ${ms(at200?.p50)} = ${times((at200?.p99 ?? NaN) / (at200?.p50 ?? NaN))}`,
      (at200?.p99 ?? Infinity) <= 4 * (at200?.p50 ?? 0),
    ],
    [
      'writes at max ≥ 50% of the database floor, with propagation p99 ≤ 50 ms',
      `${atMax?.load.achievedRate} of ${ceiling}/s = ${Math.round(((atMax?.load.achievedRate ?? 0) / ceiling) * 100)}%, p99 ${ms(atMax?.propagationMs.p99)}`,
      (atMax?.load.achievedRate ?? 0) >= 0.5 * ceiling && (atMax?.propagationMs.p99 ?? Infinity) <= 50,
    ],
    [
      'pipeline catch-up ≥ Debezium’s and ≥ 50,000 events/s',
      `${pipeline('converge')} vs ${debeziumBest} events/s`,
      (pipeline('converge') ?? 0) >= Math.max(debeziumBest, 50_000),
    ],
    ['each Node service ≤ 150 MB RSS at max load', `${rssAtMax} MB peak`, rssAtMax <= 150],
    [
      'no guarantee broken under load, in any mode checked (history checker)',
      [
        ...checked.map((c) => `${c.mode}: ${c.summary.violations} violations`),
        ...(unchecked ? [`${unchecked} not run`] : []),
      ].join(', '),
      checked.length > 0 && unchecked === 0 && checked.every((c) => c.summary.violations === 0 && !c.failure),
    ],
  ];
  return [
    '| target | measured | verdict |',
    '| --- | --- | --- |',
    ...rows.map(([name, figure, met]) => `| ${name} | ${figure} | ${verdict(met)} |`),
  ].join('\n');
}
