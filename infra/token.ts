// `npm run --silent token -- <owner> [--ttl <seconds>] [--scope <scope>]… [--jwk <file>]`: prints an access
// token for <owner>, signed with AUTH_JWT_SECRET (or the local development key `npm start` uses), or with the
// private JWK in <file> (RS256/ES256, its kid in the header) for services given the public key as a JWKS:
// standing in for an identity provider when calling the services by hand.
import type { JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AccessTokenIssuer, DEFAULT_ACCESS_TOKEN_TTL_SECONDS } from '@converge/access-token';
import { signingSecret, tokenPolicy } from './signing-secret';

function main(): number {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      ttl: { type: 'string', default: String(DEFAULT_ACCESS_TOKEN_TTL_SECONDS) },
      scope: { type: 'string', multiple: true, default: [] },
      jwk: { type: 'string' },
    },
  });
  const ttl = Number(values.ttl);
  if (positionals.length !== 1 || !Number.isInteger(ttl) || ttl <= 0) {
    process.stderr.write(
      'usage: npm run --silent token -- <owner> [--ttl <seconds>] [--scope converge:operate] [--jwk <file>]\n',
    );
    return 2;
  }
  let issuer: AccessTokenIssuer;
  try {
    const key =
      values.jwk === undefined ? signingSecret() : (JSON.parse(readFileSync(values.jwk, 'utf8')) as JsonWebKey);
    issuer = new AccessTokenIssuer(key, tokenPolicy());
  } catch (error) {
    process.stderr.write(`no signing key: ${error instanceof Error ? error.message : error}\n`);
    return 2;
  }
  try {
    process.stdout.write(`${issuer.issue(positionals[0], ttl, values.scope)}\n`);
    return 0;
  } catch {
    process.stderr.write('the owner must be 1-128 printable characters, without surrounding blanks\n');
    return 2;
  }
}

process.exitCode = main();
