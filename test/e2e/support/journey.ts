// Runs a journey as ordered steps: once one fails, the rest are skipped
// (they depend on it), and the page at the failure is saved as a screenshot.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { artifactsDir } from './browser.ts';

export function journey(t: TestContext, name: string, pages: () => Page[], serverLog?: () => string) {
  let failed = false;
  return async (step: string, fn: () => Promise<void>) => {
    await t.test(step, async (st) => {
      if (failed) {
        st.skip('an earlier step failed');
        return;
      }
      try {
        await fn();
      } catch (err) {
        failed = true;
        const dir = join(artifactsDir, name);
        await mkdir(dir, { recursive: true });
        let i = 0;
        for (const p of pages()) {
          await p
            .screenshot({ path: join(dir, `FAILED-${step.replace(/\W+/g, '-')}-${i++}.png`), fullPage: true })
            .catch(() => {});
        }
        if (serverLog) await writeFile(join(dir, 'server.log'), serverLog()).catch(() => {});
        throw err;
      }
    });
  };
}

export function digitsOnly(s: string | null): string {
  return (s ?? '').replace(/\D/g, '');
}

export async function text(locator: { textContent: () => Promise<string | null> }): Promise<string> {
  return (await locator.textContent()) ?? '';
}
