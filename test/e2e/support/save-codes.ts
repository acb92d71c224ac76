// The save-your-codes step, as the journeys click through it.
import type { Page } from 'playwright-core';
import { digitsOnly } from './journey.ts';

/** The codes shown on the step. */
export async function shownCodes(page: Page): Promise<string[]> {
  return (await page.getByTestId('backup-codes').locator('li').allTextContents()).map(digitsOnly);
}

/** Keeps the codes on paper, types one back (checked, not spent) and continues; returns the codes. */
export async function saveCodes(page: Page): Promise<string[]> {
  await page.getByRole('heading', { name: 'Save your backup codes' }).waitFor();
  const codes = await shownCodes(page);
  await page.getByRole('button', { name: 'I wrote them down' }).click();
  await page.getByLabel('Type one of the codes from your copy').fill(codes.at(-1) ?? '');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Save your backup codes' }).waitFor({ state: 'detached' });
  return codes;
}
