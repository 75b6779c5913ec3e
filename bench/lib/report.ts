import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CatchUpResult } from './catch-up';
import type { CheckedStepResult } from './checked-step';
import type { BrokerThroughputResult } from './broker-throughput';
import type { FloorResult } from './database-floor';
import type { StepResult } from './step';
import { round } from './stats';

const fmt = (value: number | undefined) => (value === undefined ? '–' : String(round(value)));

export function stepTable(steps: StepResult[]): string {
  const header =
    '| offered/s | mode | achieved/s | failed | write p50 / p99 ms | propagation p50 / p95 / p99 / max ms | relay / consume p50 ms | visible p50 / p99 ms | peak backlog outbox / consumer | CPU % cart / query / pg / kafka / connect / load | peak RSS MB cart / query / connect |';
  const rule = `|${header
    .split('|')
    .slice(1, -1)
    .map(() => ' --- ')
    .join('|')}|`;
  const rows = steps.map((s) => {
    const u = s.usage;
    const connect = (key: 'cpuPercent' | 'peakRssMb') => (u.connect?.peakRssMb ? String(u.connect[key]) : '–');
    return (
      `| ${s.rate} | ${s.mode} | ${s.load.achievedRate} | ${s.load.failed} | ${fmt(s.load.latencyP50Ms)} / ${fmt(s.load.latencyP99Ms)} | ` +
      `${fmt(s.propagationMs.p50)} / ${fmt(s.propagationMs.p95)} / ${fmt(s.propagationMs.p99)} / ${fmt(s.propagationMs.max)} | ` +
      `${fmt(s.relayMs.p50)} / ${fmt(s.consumeMs.p50)} | ` +
      `${fmt(s.visibleMs.p50)} / ${fmt(s.visibleMs.p99)} | ${s.peakBacklog.outbox} / ${s.peakBacklog.consumer} | ` +
      `${u.cart.cpuPercent} / ${u['cart-query'].cpuPercent} / ${u.postgres.cpuPercent} / ${u.kafka.cpuPercent} / ${connect('cpuPercent')} / ${u.load?.cpuPercent ?? '–'} | ` +
      `${u.cart.peakRssMb} / ${u['cart-query'].peakRssMb} / ${connect('peakRssMb')} |`
    );
  });
  return [header, rule, ...rows].join('\n');
}

const ratio = (a?: number, b?: number) => (a && b ? `${(a / b).toFixed(1)}×` : '–');

/** Each peer against converge at the same offered rate: how many times converge's figure the peer's is. */
export function ratioTable(steps: StepResult[]): string {
  const rows: string[] = [
    '| offered/s | peer | propagation p50: peer ÷ converge | p99: peer ÷ converge | visible p50: peer ÷ converge | achieved/s: converge ÷ peer |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const rate of [...new Set(steps.map((s) => s.rate))]) {
    const ours = steps.find((s) => s.rate === rate && s.mode === 'converge');
    if (!ours) continue;
    for (const peer of steps.filter((s) => s.rate === rate && s.mode !== 'converge')) {
      rows.push(
        `| ${rate} | ${peer.mode} | ${ratio(peer.propagationMs.p50, ours.propagationMs.p50)} | ${ratio(peer.propagationMs.p99, ours.propagationMs.p99)} | ` +
          `${ratio(peer.visibleMs.p50, ours.visibleMs.p50)} | ${ratio(ours.load.achievedRate, peer.load.achievedRate)} |`,
      );
    }
  }
  return rows.join('\n');
}

export function floorTable(floor: FloorResult[]): string {
  return [
    '| clients | add-item transactions/s | latency avg ms | WAL bytes per transaction | PostgreSQL CPU % |',
    '| --- | --- | --- | --- | --- |',
    ...floor.map(
      (f) =>
        `| ${f.clients} | ${f.transactionsPerSecond} | ${fmt(f.latencyMs)} | ${f.walBytesPerTransaction} | ${f.postgres.cpuPercent} |`,
    ),
  ].join('\n');
}

/** CPU per unit of work at each converge step, and the publish paths' rates: what docs/scaling.md starts from. */
export function costTable(steps: StepResult[], catchUps: CatchUpResult[], partition: BrokerThroughputResult): string {
  const perUnit = (cpuPercent: number, rate: number) => ((cpuPercent / 100) * 1000) / rate;
  const rows = steps
    .filter((s) => s.mode === 'converge' && s.load.achievedRate > 0)
    .map((s) => {
      const r = s.load.achievedRate;
      const u = s.usage;
      return `| ${s.rate} | ${r} | ${fmt(perUnit(u.cart.cpuPercent, r) * 1000)} | ${fmt(perUnit(u['cart-query'].cpuPercent, r) * 1000)} | ${fmt(perUnit(u.postgres.cpuPercent, r) * 1000)} | ${fmt(perUnit(u.kafka.cpuPercent, r) * 1000)} |`;
    });
  const relay = catchUps.find((c) => c.kind === 'pipeline' && c.mode === 'converge');
  return [
    '| offered/s | achieved/s | Cart µs CPU per write | Cart-Query µs CPU per event | PostgreSQL µs CPU per write | Kafka µs CPU per event |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `One relay leader drained a ${relay?.events}-row outbox at ${relay?.publishedPerSecond ?? '–'} rows/s; one partition took ${partition.recordsPerSecond} records/s ` +
      `(${partition.megabytesPerSecond} MB/s, batches of ${partition.batch}, Kafka at ${partition.usage.kafka.cpuPercent}% and the producing process at ${partition.usage.load.cpuPercent}% of a core).`,
  ].join('\n');
}

export function catchUpTable(results: CatchUpResult[]): string {
  return [
    '| kind | mode | events | seconds | events/s | relay published/s |',
    '| --- | --- | --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${r.kind} | ${r.mode} | ${r.events} | ${r.seconds} | ${r.eventsPerSecond} | ${r.publishedPerSecond ?? '–'} |`,
    ),
  ].join('\n');
}

/** The history checker's figures per mode: what the load did, and every guarantee's violations. */
export function checkedTable(results: CheckedStepResult[]): string {
  return [
    '| mode | clients | operations/s | acknowledged writes | token reads 200 / 503 / other | lost | doubled | RYW violations | monotonic violations | diverged |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(({ mode, clients, operationsPerSecond, summary: s, otherReads }) => {
      const other = Object.entries(otherReads).map(([answer, n]) => `${n}× ${answer}`);
      const reads = `${s.readsAnswered} / ${s.readsBehind} / ${other.join(', ') || 0}`;
      const broken = [s.lost, s.doubled, s.ryw, s.monotonic, s.diverged];
      return `| ${[mode, clients, operationsPerSecond, s.acknowledgedWrites, reads, ...broken].join(' | ')} |`;
    }),
  ].join('\n');
}

/** Propagation p50 and p99 per offered rate, every mode, on a log scale: one glance shows the gaps. */
export function chart(steps: StepResult[]): string {
  const rates = [...new Set(steps.map((s) => String(s.rate)))];
  const width = 900;
  const height = 380;
  const left = 60;
  const bottom = 300;
  const top = 30;
  const y = (ms: number) => bottom - ((Math.log10(Math.max(ms, 0.1)) + 1) / 6) * (bottom - top);
  const series = [
    { mode: 'baseline', key: 'p50', color: '#c0392b' },
    { mode: 'baseline', key: 'p99', color: '#e6a19a' },
    { mode: 'debezium-default', key: 'p50', color: '#7d3c98' },
    { mode: 'debezium-default', key: 'p99', color: '#c39bd3' },
    { mode: 'debezium-tuned', key: 'p50', color: '#1f4e8c' },
    { mode: 'debezium-tuned', key: 'p99', color: '#8fb3e0' },
    { mode: 'converge', key: 'p50', color: '#1f6f43' },
    { mode: 'converge', key: 'p99', color: '#8fd1a8' },
  ] as const;
  const slot = (width - left - 20) / rates.length;
  const bar = slot / (series.length + 1);
  const bars = rates.flatMap((rate, i) =>
    series.map((s, j) => {
      const step = steps.find((st) => String(st.rate) === rate && st.mode === s.mode);
      const value = step?.propagationMs[s.key];
      if (value === undefined) return '';
      const x = left + i * slot + j * bar + bar / 2;
      return `<rect x="${x.toFixed(1)}" y="${y(value).toFixed(1)}" width="${(bar * 0.9).toFixed(1)}" height="${(bottom - y(value)).toFixed(1)}" fill="${s.color}"><title>${s.mode} ${s.key} ${round(value)} ms</title></rect>`;
    }),
  );
  const ticks = [0.1, 1, 10, 100, 1000, 10000, 100000].map(
    (ms) =>
      `<text x="${left - 6}" y="${y(ms) + 4}" text-anchor="end" font-size="11">${ms}</text><line x1="${left}" x2="${width - 20}" y1="${y(ms)}" y2="${y(ms)}" stroke="#eee"/>`,
  );
  const labels = rates.map(
    (rate, i) =>
      `<text x="${left + i * slot + slot / 2}" y="${bottom + 18}" text-anchor="middle" font-size="12">${rate}/s</text>`,
  );
  const legend = series.map(
    (s, j) =>
      `<rect x="${left + (j % 4) * 200}" y="${bottom + 32 + Math.floor(j / 4) * 20}" width="12" height="12" fill="${s.color}"/><text x="${left + (j % 4) * 200 + 16}" y="${bottom + 43 + Math.floor(j / 4) * 20}" font-size="12">${s.mode} ${s.key}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<text x="${left}" y="18" font-size="14">Propagation lag (ms, log scale) by offered write rate</text>
${ticks.join('\n')}
${bars.join('\n')}
${labels.join('\n')}
${legend.join('\n')}
</svg>
`;
}

export function writeResults(directory: string, results: object, svg: string): void {
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(directory, 'latest.svg'), svg);
}
