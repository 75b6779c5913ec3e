import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const root = join(__dirname, '..', '..');
const run = promisify(execFile);

/** A tree that breaks each layering rule once, beside libs that keep them. */
const PLANTED: Record<string, string> = {
  'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@converge/*': ['libs/*/src'] } } }),
  'libs/kafka/src/index.ts': "export * from './backoff';\n",
  'libs/kafka/src/backoff.ts': 'export const backoffDelayMs = (attempt: number) => attempt;\n',
  'libs/contracts/src/index.ts': 'export const CART_EVENTS_TOPIC = "cart.events";\n',
  'libs/backoff/src/index.ts': "export * from './backoff';\nexport { UUID_PATTERN } from '@converge/platform';\n",
  'libs/backoff/src/backoff.ts': 'export const delay = (ms: number) => ms;\n',
  'libs/platform/src/index.ts': 'export const UUID_PATTERN = /./;\n',
  'libs/platform/src/health.ts': "export { backoffDelayMs } from '@converge/kafka';\n",
  'libs/platform/src/topics.ts': "export { CART_EVENTS_TOPIC } from '@converge/contracts';\n",
  'libs/outbox/src/relay.ts': "export { backoffDelayMs } from '@converge/kafka';\n",
  'apps/cart-query/src/signals.ts': "export { delay } from '../../../libs/backoff/src/backoff';\n",
  'libs/contracts/src/digest.ts': "export { UUID_PATTERN } from '@converge/platform';\n",
  'libs/anti-entropy/src/index.ts': "export { CART_EVENTS_TOPIC } from '@converge/contracts';\n",
  'apps/studio/src/peek.ts': "export { Client } from 'pg';\nexport { signals } from '../../cart-query/src/signals';\n",
  'apps/cart/src/studio-link.ts': "export * from '../../studio/src/peek';\n",
  'libs/tracing/src/index.ts': "export { UUID_PATTERN } from '@converge/platform';\n",
};

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

async function violations(dir: string): Promise<Violation[]> {
  const depcruise = join(root, 'node_modules', '.bin', 'depcruise');
  const config = join(root, '.dependency-cruiser.cjs');
  const args = ['libs', 'apps', '--config', config, '--output-type', 'json'];
  // depcruise exits non-zero when it finds violations: the report is on stdout either way.
  const { stdout } = await run(depcruise, args, { cwd: dir }).catch((error: { stdout: string }) => error);
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

describe('the dependency rules of npm run lint', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'converge-boundaries-'));
    for (const [path, text] of Object.entries(PLANTED)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('each fail on a planted violation', async () => {
    const found = (await violations(dir)).map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'platform-knows-no-kafka-or-contracts: libs/platform/src/health.ts → libs/kafka/src/index.ts',
        'platform-knows-no-kafka-or-contracts: libs/platform/src/topics.ts → libs/contracts/src/index.ts',
        'backoff-lives-in-its-own-lib: libs/kafka/src/index.ts → libs/kafka/src/backoff.ts',
        'backoff-through-its-index: apps/cart-query/src/signals.ts → libs/backoff/src/backoff.ts',
        'backoff-is-a-leaf: libs/backoff/src/index.ts → libs/platform/src/index.ts',
        'contracts-is-a-leaf: libs/contracts/src/digest.ts → libs/platform/src/index.ts',
        'anti-entropy-compares-trees-only: libs/anti-entropy/src/index.ts → libs/contracts/src/index.ts',
        'studio-uses-public-interfaces-only: apps/studio/src/peek.ts → apps/cart-query/src/signals.ts',
        'studio-reads-no-database: apps/studio/src/peek.ts → pg',
        'services-do-not-import-the-studio: apps/cart/src/studio-link.ts → apps/studio/src/peek.ts',
        'tracing-loads-before-nest: libs/tracing/src/index.ts → libs/platform/src/index.ts',
      ]),
    );
  });
});
