/**
 * Debian's Chromium (/usr/bin/chromium), headless, driven by playwright-core: no browser
 * download. The flags keep it from reaching outside hosts (NOTES.md); --no-sandbox because
 * tests run as root. Each launch gets a fresh profile directory, removed on close.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-sandbox',
];

export interface BrowserHandle {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** A persistent context on a fresh profile (Chromium's --user-data-dir is set by playwright). */
export async function launchChromium(): Promise<BrowserHandle> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install the Debian package (apt-get install -y chromium; scripts/ensure-stack.sh does it as root)`);
  const profile = await mkdtemp(path.join(os.tmpdir(), 'mapek-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export type { Browser };
