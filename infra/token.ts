// `npm run --silent token -- <owner> [--ttl <seconds>] [--scope <scope>]…`: prints an access token for <owner>,
// signed with AUTH_JWT_SECRET (or the local development key `npm start` uses), standing in for
// an identity provider when calling the services by hand.
import { parseArgs } from 'node:util';
import { AccessTokenIssuer, DEFAULT_ACCESS_TOKEN_TTL_SECONDS } from '@converge/access-token';
import { signingSecret, tokenPolicy } from './signing-secret';

function main(): number {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      ttl: { type: 'string', default: String(DEFAULT_ACCESS_TOKEN_TTL_SECONDS) },
      scope: { type: 'string', multiple: true, default: [] },
    },
  });
  const ttl = Number(values.ttl);
  if (positionals.length !== 1 || !Number.isInteger(ttl) || ttl <= 0) {
    process.stderr.write('usage: npm run --silent token -- <owner> [--ttl <seconds>] [--scope converge:operate]\n');
    return 2;
  }
  try {
    process.stdout.write(
      `${new AccessTokenIssuer(signingSecret(), tokenPolicy()).issue(positionals[0], ttl, values.scope)}\n`,
    );
    return 0;
  } catch {
    process.stderr.write('the owner must be 1-128 printable characters, without surrounding blanks\n');
    return 2;
  }
}

process.exitCode = main();
