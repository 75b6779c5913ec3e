import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const REPO_ROOT = join(__dirname, '..', '..');

export interface ComposeService {
  image?: string;
  environment?: Record<string, string | number | boolean | null> | string[];
  [key: string]: unknown;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  [key: string]: unknown;
}

/**
 * docker-compose.yml as `docker compose config` would see it with no variable set: merge keys
 * resolved, `${NAME:-default}` interpolated from an empty environment.
 */
export function loadComposeFile(path = join(REPO_ROOT, 'docker-compose.yml')): ComposeFile {
  return interpolate(parse(readFileSync(path, 'utf8'), { merge: true }), {}) as ComposeFile;
}

/** The forms of compose interpolation this file uses; any other `$` form is an error, not a guess. */
export function interpolateString(text: string, env: Record<string, string>): string {
  return text.replace(
    /\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|.?)/g,
    (whole, escaped, name, op, fallback) => {
      if (escaped === '$') return '$';
      if (name === undefined) throw new Error(`unsupported interpolation at "${whole}" in "${text}"`);
      const value = env[name];
      if (op === ':-') return value === undefined || value === '' ? fallback : value;
      if (op === '-') return value === undefined ? fallback : value;
      if (value === undefined) throw new Error(`${name} is unset and has no default in "${text}"`);
      return value;
    },
  );
}

function interpolate(node: unknown, env: Record<string, string>): unknown {
  if (typeof node === 'string') return interpolateString(node, env);
  if (Array.isArray(node)) return node.map((item) => interpolate(item, env));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, interpolate(value, env)]));
  }
  return node;
}

/** A service's environment as the container gets it: every value a string. */
export function environmentOf(service: ComposeService): Record<string, string> {
  const entries = Array.isArray(service.environment)
    ? service.environment.map((line) => {
        const at = line.indexOf('=');
        return at < 0 ? [line, ''] : [line.slice(0, at), line.slice(at + 1)];
      })
    : Object.entries(service.environment ?? {}).map(([name, value]) => [name, value === null ? '' : String(value)]);
  return Object.fromEntries(entries);
}
