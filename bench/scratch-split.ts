import { provideInfrastructure } from '../test/setup/infrastructure';
import { percentile } from './lib/stats';
import { runStep } from './lib/step';
import type { Mode } from './lib/modes';

const say = (line: string) => process.stdout.write(`${line}\n`);
async function main() {
  const infra = await provideInfrastructure();
  process.env.TEST_KAFKA_BROKERS = infra.kafkaBrokers;
  process.env.TEST_POSTGRES_URL = infra.postgresUrl;
  const rates = (process.env.RATES ?? '200,max').split(',').map((r) => (r === 'max' ? 'max' : Number(r)));
  const rounds = Number(process.env.ROUNDS ?? 3);
  const modes = (process.env.MODES ?? 'converge,converge-relay-process').split(',') as Mode[];
  const all: Record<string, number[][]> = {};
  try {
    for (const rate of rates) {
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? modes : [...modes].reverse();
        for (const mode of order) {
          const s = await runStep(mode, rate as number | 'max', 15);
          const u = s.usage;
          const row = [s.load.achievedRate, s.propagationMs.p50 ?? NaN, s.propagationMs.p99 ?? NaN, s.relayMs.p50 ?? NaN, s.visibleMs.p50 ?? NaN, u.cart.cpuPercent, u.relay?.cpuPercent ?? 0, u.cart.peakRssMb];
          (all[`${rate} ${mode}`] ??= []).push(row);
          say(`${rate} ${mode} r${round}: writes ${row[0]} p50 ${row[1]} p99 ${row[2]} relay p50 ${row[3]} visible p50 ${row[4]} cpu cart ${row[5]} relay ${row[6]} rss ${row[7]} | write p50 ${s.load.latencyP50Ms}`);
        }
      }
    }
  } finally {
    await infra.stop();
  }
  for (const [k, rows] of Object.entries(all)) {
    const med = rows[0].map((_, i) => percentile(rows.map((r) => r[i]), 50));
    say(`MEDIAN ${k}: ${med.join(' / ')}`);
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
