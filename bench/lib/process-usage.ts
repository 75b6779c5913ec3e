import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;
const PAGE_KB = 4;

export interface UsageReport {
  /** Average CPU over the window, in percent of one core. */
  cpuPercent: number;
  peakRssMb: number;
}

interface Sample {
  ticks: number;
  rssKb: number;
}

function read(pid: number): Sample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of /proc/pid/stat; rss (pages) is field 24.
    return { ticks: Number(fields[11]) + Number(fields[12]), rssKb: Number(fields[21]) * PAGE_KB };
  } catch {
    return undefined;
  }
}

/** Every PostgreSQL server process: the postmaster and its backends, which come and go. */
export function postgresPids(): number[] {
  try {
    return execFileSync('pgrep', ['-x', 'postgres']).toString().trim().split('\n').map(Number).filter(Boolean);
  } catch {
    return [];
  }
}

/** Samples CPU ticks and resident memory of named process groups from /proc while a step runs. */
export class ProcessUsage {
  private readonly start = new Map<string, number>();
  private readonly last = new Map<string, number>();
  private readonly peak = new Map<string, number>();
  private readonly startedAt = Date.now();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly groups: Record<string, () => number[]>) {
    this.sample();
    this.timer = setInterval(() => this.sample(), 250);
  }

  stop(): Record<string, UsageReport> {
    clearInterval(this.timer);
    this.sample();
    const seconds = (Date.now() - this.startedAt) / 1000;
    const report: Record<string, UsageReport> = {};
    for (const name of Object.keys(this.groups)) {
      const ticks = (this.last.get(name) ?? 0) - (this.start.get(name) ?? 0);
      report[name] = {
        cpuPercent: Math.round((ticks / TICKS_PER_SECOND / seconds) * 100),
        peakRssMb: Math.round((this.peak.get(name) ?? 0) / 1024),
      };
    }
    return report;
  }

  private sample(): void {
    for (const [name, pids] of Object.entries(this.groups)) {
      const samples = pids()
        .map(read)
        .filter((s): s is Sample => s !== undefined);
      const ticks = samples.reduce((sum, s) => sum + s.ticks, 0);
      const rss = samples.reduce((sum, s) => sum + s.rssKb, 0);
      if (!this.start.has(name)) this.start.set(name, ticks);
      // Backends that exited take their ticks with them: never let the total go down.
      this.last.set(name, Math.max(this.last.get(name) ?? 0, ticks));
      this.peak.set(name, Math.max(this.peak.get(name) ?? 0, rss));
    }
  }
}
