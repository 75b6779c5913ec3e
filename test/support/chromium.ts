import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

const root = join(__dirname, '..', '..');
/** Where the browser tests leave their screenshots (git-ignored). */
export const SCREENSHOTS_DIR = join(root, 'test', 'browser', 'screenshots');

/** Debian's Chromium, installed by infra/chromium.sh where missing. */
export function ensureChromium(): void {
  execFileSync(join(root, 'infra', 'chromium.sh'), { stdio: 'inherit' });
}

/**
 * Headless (Playwright gives it a fresh profile), with nothing that reaches for the network on its own: this
 * machine refuses outside connections, and Chromium's background services would keep trying.
 */
export async function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
