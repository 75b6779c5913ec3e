import { InvalidConfigError } from '../config/env-config';

/**
 * Exits 1 saying why: a bad configuration is the operator's to fix, so it gets its message without
 * a stack trace; anything else gets the stack.
 */
export function stopService(name: string, error: unknown): never {
  if (error instanceof InvalidConfigError) process.stderr.write(`${name}: ${error.message}\n`);
  else process.stderr.write(`${name}: failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
}

/** Starts a service, or exits 1 saying why (stopService). */
export function runService(name: string, start: () => Promise<void>): void {
  start().catch((error: unknown) => stopService(name, error));
}
