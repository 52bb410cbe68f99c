import { chromium, type Browser } from 'playwright-core';
/** Debian's Chromium (`apt-get install chromium`): Playwright's own browser downloads are not possible here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless Chromium. Playwright gives every launch a fresh temporary profile (it refuses a
 * --user-data-dir of ours for launch()); --no-sandbox because Chromium's sandbox does not start as
 * root, which CI is; the rest keeps Chromium from calling home during a test.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}
