// `npm run read-model:rebuild [-- <Cart-Query URL>]`: asks a Cart-Query (default http://127.0.0.1:3001, or
// CART_QUERY_URL) to run one anti-entropy pass, which backfills every cart its read model lacks or holds wrong
// by snapshots from Cart, rate-limited by its REPAIR_RATE_PER_SECOND. Signs an operator token with
// AUTH_JWT_SECRET, or the local development key `npm start` uses.
import { AccessTokenIssuer, OPERATE_SCOPE } from '@converge/access-token';
import { signingSecret, tokenPolicy } from './signing-secret';

async function main(): Promise<number> {
  const url = (process.argv[2] ?? process.env.CART_QUERY_URL ?? 'http://127.0.0.1:3001').replace(/\/+$/, '');
  const token = new AccessTokenIssuer(signingSecret(), tokenPolicy()).issue('operator', 600, [OPERATE_SCOPE]);
  const started = performance.now();
  const response = await fetch(`${url}/operations/reconcile`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}` },
  });
  const body = await response.text();
  if (response.status !== 200) {
    process.stderr.write(`POST ${url}/operations/reconcile answered ${response.status}: ${body}\n`);
    return 1;
  }
  const { carts, divergent, repaired } = JSON.parse(body) as { carts: number; divergent: number; repaired: number };
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `${carts} carts compared, ${divergent} divergent, ${repaired} snapshots requested in ${seconds} s; ` +
      `the read model applies them as they arrive (watch converge_repairs_applied_total)\n`,
  );
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`rebuild failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
