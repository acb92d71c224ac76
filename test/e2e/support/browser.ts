// Debian's Chromium driven by playwright-core, plus screenshots at desktop
// and phone sizes under test-artifacts/e2e/ (git-ignored).
import { access, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
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

/** A phone held in the hand: 390×844, touch, a mobile viewport (where the authenticator app runs too). */
export async function newPhoneContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 390, height: 844 },
    hasTouch: true,
    isMobile: true,
    deviceScaleFactor: 2,
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

/** Saves `<journey>/<nn>-<name>-desktop.png` and `-phone.png`; at both sizes
 * axe-core must find no critical or serious violation (WCAG 2.x A/AA rules). */
export async function snap(page: Page, journey: string, name: string): Promise<void> {
  const dir = join(artifactsDir, journey);
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}-desktop.png`), fullPage: true });
  const problems = await axeProblems(page, 'desktop');
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: join(dir, `${name}-phone.png`), fullPage: true });
  problems.push(...(await axeProblems(page, 'phone')));
  // Nothing may spill sideways at phone width.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await page.setViewportSize(DESKTOP);
  problems.push(...(await basicA11yProblems(page)));
  if (problems.length > 0) throw new Error(`${journey}/${name}: accessibility problems:\n${problems.join('\n')}`);
  if (overflow > 1) throw new Error(`${journey}/${name}: the page is ${overflow}px wider than a 375px phone screen`);
}

/** For a phone context: `<name>-touch.png` at the phone's own size, with the checks of snap(). */
export async function snapTouch(page: Page, journey: string, name: string): Promise<void> {
  const dir = join(artifactsDir, journey);
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}-touch.png`), fullPage: true });
  const problems = [...(await axeProblems(page, 'touch')), ...(await basicA11yProblems(page))];
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (problems.length > 0) throw new Error(`${journey}/${name}: accessibility problems:\n${problems.join('\n')}`);
  if (overflow > 1) throw new Error(`${journey}/${name}: the page is ${overflow}px wider than the phone's screen`);
}

/** axe-core's critical and serious violations on the page as it is now, one line each. */
async function axeProblems(page: Page, size: string): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  return violations
    .filter((v) => v.impact === 'critical' || v.impact === 'serious')
    .map(
      (v) =>
        `axe (${size}) ${v.impact} ${v.id}: ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    );
}

/** Fails on uncaught page errors, which would otherwise go unnoticed. */
export function watchErrors(page: Page): () => string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return () => errors;
}

/** A few checks that need no library: one h1, every control labelled, every
 * image with alt text, every button with a name. */
async function basicA11yProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const h1s = document.querySelectorAll('h1');
    if (h1s.length !== 1) problems.push(`${h1s.length} <h1> elements`);
    for (const el of document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(
      'input, select, textarea',
    )) {
      if (el.type === 'hidden') continue;
      const labelled =
        (el.labels?.length ?? 0) > 0 || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
      if (!labelled) problems.push(`unlabelled ${el.tagName.toLowerCase()} name=${el.name || '?'}`);
    }
    for (const img of document.querySelectorAll('img')) {
      if (!img.hasAttribute('alt')) problems.push(`<img> without alt: ${img.src.slice(0, 40)}`);
    }
    for (const b of document.querySelectorAll('button')) {
      if (!(b.textContent ?? '').trim() && !b.getAttribute('aria-label')) problems.push('button without a name');
    }
    return problems;
  });
}
