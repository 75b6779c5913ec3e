import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** AUTH_JWT_SECRET, or the development key `npm start` and docker-compose use when it is not set. */
export function signingSecret(): string {
  if (process.env.AUTH_JWT_SECRET) return process.env.AUTH_JWT_SECRET;
  const local = JSON.parse(readFileSync(join(__dirname, 'local-secrets.json'), 'utf8')) as { AUTH_JWT_SECRET: string };
  return local.AUTH_JWT_SECRET;
}

/** The `iss` and `aud` the services expect: AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE, else theirs by default. */
export function tokenPolicy(): { issuer?: string; audience?: string } {
  const { AUTH_JWT_ISSUER: issuer, AUTH_JWT_AUDIENCE: audience } = process.env;
  return { ...(issuer ? { issuer } : {}), ...(audience ? { audience } : {}) };
}
