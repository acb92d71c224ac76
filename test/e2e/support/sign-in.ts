// The login page's password step, as the journeys click through it.
import type { Page } from 'playwright-core';

/** Waits for the login page, fills in Email and Password and clicks Sign in. */
export async function submitPassword(page: Page, email: string, password: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The password step, then waits for the second-factor step. */
export async function signInWithPassword(page: Page, email: string, password: string): Promise<void> {
  await submitPassword(page, email, password);
  await page.getByRole('heading', { level: 1, name: 'Security verification' }).waitFor();
}

/** Creates the account on the sign-up page; waits for the security page. */
export async function signUp(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/#/signup');
  await page.getByRole('heading', { level: 1, name: 'Create your account' }).waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { level: 1, name: 'Account security' }).waitFor();
}
