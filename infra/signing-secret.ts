import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** AUTH_JWT_SECRET, or the development key `npm start` and docker-compose use when it is not set. */
export function signingSecret(): string {
  if (process.env.AUTH_JWT_SECRET) return process.env.AUTH_JWT_SECRET;
  const local = JSON.parse(readFileSync(join(__dirname, 'local-secrets.json'), 'utf8')) as { AUTH_JWT_SECRET: string };
  return local.AUTH_JWT_SECRET;
}
