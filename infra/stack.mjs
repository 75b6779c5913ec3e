#!/usr/bin/env node
// `npm start`: the infrastructure plus the built services and the studio, in the foreground.
// Ctrl-C (or SIGTERM) stops the services gracefully, then the infrastructure this run started.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const infra = join(root, 'infra', 'infra.sh');

// Local use only: fixed development keys (infra/local-secrets.json, which `npm run token` and
// docker-compose.development.yml share), announced so nobody mistakes them for real ones. The
// services accept them only with CONVERGE_ENV=development, which is said here explicitly.
const env = { ...process.env };
const localSecrets = JSON.parse(readFileSync(join(root, 'infra', 'local-secrets.json'), 'utf8'));
for (const [name, value] of Object.entries(localSecrets)) {
  if (env[name]) continue;
  env[name] = value;
  env.CONVERGE_ENV ??= 'development';
  process.stderr.write(`[stack] ${name} not set: using the local development key (CONVERGE_ENV=${env.CONVERGE_ENV})\n`);
}

const kafkaWasRunning = (() => {
  try {
    execFileSync(join(root, 'infra', 'kafka', 'kafka.sh'), ['status'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
execFileSync(infra, ['up'], { stdio: 'inherit', env });

const services = ['cart', 'cart-query', 'studio'].map((name) => {
  const child = spawn(process.execPath, [join(root, 'dist', 'apps', name, 'main.js')], { stdio: 'inherit', env });
  child.on('exit', (code, signal) => {
    process.stderr.write(`[stack] ${name} exited (${signal ?? code})\n`);
    if (!stopping) stop(1);
  });
  return child;
});

let stopping = false;
function stop(exitCode = 0) {
  if (stopping) return;
  stopping = true;
  const running = services.filter((child) => child.exitCode === null && child.signalCode === null);
  for (const child of running) child.kill('SIGTERM');
  Promise.all(running.map((child) => new Promise((resolve) => child.once('exit', resolve)))).then(() => {
    if (!kafkaWasRunning) execFileSync(infra, ['down'], { stdio: 'inherit' });
    process.exit(exitCode);
  });
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

// Once the studio answers ready (it waits for Kafka), say where it is.
const studioUrl = `http://127.0.0.1:${env.STUDIO_PORT ?? 3002}/`;
(async () => {
  for (let attempt = 0; attempt < 120 && !stopping; attempt++) {
    const ready = await fetch(`${studioUrl}health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) {
      process.stderr.write(`\n[stack] ready. Watch writes travel in the studio: ${studioUrl}\n\n`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
})();
