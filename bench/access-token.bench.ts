/**
 * `npm run bench:access-token`: what checking an access token costs per request, as medians of
 * 7 rounds, against two baselines measured in the same run: jsonwebtoken given the secret as a
 * string (which derives a key object on every call), and the bare HMAC a JWT check cannot go below.
 */
import { createHmac } from 'node:crypto';
import { verify } from 'jsonwebtoken';
import { AccessTokenIssuer, AccessTokenVerifier } from '@converge/access-token';

const SECRET = 'converge-bench-access-token-secret-0123456789';
const ROUNDS = 7;
const CALLS = 5000;

function medianMicros(check: () => unknown): number {
  const perCall: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < CALLS; i++) check();
    perCall.push(Number(process.hrtime.bigint() - started) / CALLS / 1000);
  }
  return perCall.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
}

const token = new AccessTokenIssuer(SECRET).issue('alice');
const verifier = new AccessTokenVerifier(SECRET);
const signed = token.slice(0, token.lastIndexOf('.'));
const results = {
  'AccessTokenVerifier.verify': medianMicros(() => verifier.verify(`Bearer ${token}`)),
  'jsonwebtoken, string secret': medianMicros(() => verify(token, SECRET, { algorithms: ['HS256'] })),
  'bare HMAC-SHA256': medianMicros(() => createHmac('sha256', SECRET).update(signed).digest('base64url')),
};
const ours = results['AccessTokenVerifier.verify'];
process.stdout.write('| check | µs per call (median) | ÷ AccessTokenVerifier |\n| --- | --- | --- |\n');
for (const [name, micros] of Object.entries(results)) {
  process.stdout.write(`| ${name} | ${micros.toFixed(1)} | ${(micros / ours).toFixed(2)}× |\n`);
}
