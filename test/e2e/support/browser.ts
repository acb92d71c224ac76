// Debian's Chromium driven by playwright-core, plus screenshots at desktop
// and phone sizes under test-artifacts/e2e/ (git-ignored).
import { access, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { repoRoot } from './server.ts';

const CHROMIUM = process.env.LATCHKEY_E2E_CHROMIUM ?? '/usr/bin/chromium';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 740 };
export const artifactsDir = join(repoRoot, 'test-artifacts/e2e');

export async function launch(): Promise<Browser> {
  try {
    await access(CHROMIUM);
  } catch {
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium p7zip-full oathtool`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
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

export async function newContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    viewport: DESKTOP,
    acceptDownloads: true,
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  context.setDefaultTimeout(15_000);
  return context;
}

/** Empties the journey's artifact folder, so old failures do not linger. */
export async function freshArtifacts(journey: string): Promise<void> {
  await rm(join(artifactsDir, journey), { recursive: true, force: true });
}

/** Saves `<journey>/<nn>-<name>-desktop.png` and `-phone.png`. */
export async function snap(page: Page, journey: string, name: string): Promise<void> {
  const dir = join(artifactsDir, journey);
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: join(dir, `${name}-phone.png`), fullPage: true });
  // Nothing may spill sideways at phone width.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await page.setViewportSize(DESKTOP);
  if (overflow > 1) throw new Error(`${journey}/${name}: the page is ${overflow}px wider than a 375px phone screen`);
}

/** Fails on uncaught page errors, which would otherwise go unnoticed. */
export function watchErrors(page: Page): () => string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return () => errors;
}
