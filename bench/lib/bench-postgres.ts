import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const PORT = Number(process.env.BENCH_POSTGRES_PORT ?? 5442);
const state = join(root, 'bench', '.state', 'postgres');

/**
 * The bench's own PostgreSQL (embedded, as infra/postgres starts one), with logical decoding on
 * for Debezium. Every mode and the floor run on it, so they share one server and its settings;
 * the machine's server is left alone.
 */
export const benchPostgres = {
  url: `postgres://postgres@127.0.0.1:${PORT}/postgres`,
  env: {
    POSTGRES_STATE_DIR: state,
    CART_DATABASE_URL: `postgres://postgres@127.0.0.1:${PORT}/cart`,
    CART_QUERY_DATABASE_URL: `postgres://postgres@127.0.0.1:${PORT}/cart_query`,
    // Slots and senders for one connector per step (each step's slot is dropped after it).
    POSTGRES_SETTINGS: '-c wal_level=logical -c max_replication_slots=16 -c max_wal_senders=16',
  },
  up(): void {
    execFileSync('node', [join(root, 'infra', 'postgres', 'postgres.mjs'), 'up'], {
      stdio: 'inherit',
      env: { ...process.env, ...this.env },
    });
  },
  down(): void {
    execFileSync('node', [join(root, 'infra', 'postgres', 'postgres.mjs'), 'down'], {
      stdio: 'inherit',
      env: { ...process.env, ...this.env },
    });
  },
  /** The server's postmaster and its backends, which come and go; none of the machine's server. */
  pids(): number[] {
    try {
      const postmaster = Number(readFileSync(join(state, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
      const children = execFileSync('pgrep', ['-P', String(postmaster)])
        .toString()
        .trim()
        .split('\n');
      return [postmaster, ...children.map(Number).filter(Boolean)];
    } catch {
      return [];
    }
  },
};
