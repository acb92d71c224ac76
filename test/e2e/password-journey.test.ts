// Issue 12 §1, §2 and §6 in Chromium (desktop and phone, axe-core at each
// snapshot): "Forgot password?" from the sign-in page, the emailed link (token
// in the fragment) that still asks the second factor, a refusal explained as
// the user types, the used link's clear page; and "Change password" on the
// security page, which signs the other sessions out and locks withdrawals.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { accountWithAuthenticator } from './support/accounts.ts';
import { newContext, snap, watchErrors } from './support/browser.ts';
import { journey, text } from './support/journey.ts';
import { advanceClock, apiCall, outbox, serverNow, type TestServer } from './support/server.ts';
import { journeySetup } from './support/setup.ts';
import { signInWithPassword, submitPassword } from './support/sign-in.ts';
import { totpAt } from './support/totp.ts';

const J = ['forgot-password', 'change-password'];
const { server, browser } = journeySetup(J);
const CODE_FIELD = '6-digit code from your authenticator app';

/** A code for a step the account has not used yet. */
async function freshCode(s: TestServer, secret: string): Promise<string> {
  return totpAt(secret, await advanceClock(s, 30));
}

async function signInWithCode(page: Page, s: TestServer, email: string, password: string, secret: string) {
  await page.goto('/#/login');
  await signInWithPassword(page, email, password);
  await page.getByLabel(CODE_FIELD).fill(await freshCode(s, secret));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByRole('heading', { level: 1, name: 'Account security' }).waitFor();
}

test('forgot password: the link works once, still needs the second factor, and explains a weak password', {
  timeout: 300_000,
}, async (t) => {
  const email = `ivy.${Date.now()}@example.com`;
  const password = 'tangerine kettle harbour 5';
  const newPassword = 'velvet compass orchard 83';
  const secret = await accountWithAuthenticator(server(), email, password);
  const context = await newContext(browser(), server().baseUrl);
  await context.clock.install({ time: (await serverNow(server())) * 1000 });
  const page = await context.newPage();
  const errors = watchErrors(page);
  const step = journey(t, 'forgot-password', () => [page], server().output);
  let link = '';

  await step('"Forgot password?" on the sign-in page asks for the email', async () => {
    await page.goto('/#/login');
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.getByRole('heading', { level: 1, name: 'Reset your password' }).waitFor();
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    assert.match(await text(page.getByRole('status').first()), /If an account exists for .*we have sent it a link/);
    await snap(page, 'forgot-password', '01-link-sent');
  });

  await step(
    'the email carries a link whose token is in the fragment; the page takes it out of the address',
    async () => {
      const mail = (await outbox(server())).filter((m) => m.to === email && m.subject === 'Reset your password');
      assert.equal(mail.length, 1);
      const emailed = new URL(/(http\S+\/password-reset#token=[A-Za-z0-9_-]+)/.exec(mail[0]?.body ?? '')?.[1] ?? '/');
      assert.equal(emailed.pathname, '/password-reset');
      assert.match(emailed.hash, /^#token=[A-Za-z0-9_-]{43}$/);
      // The same server, under the address the tests reach it by.
      link = `${server().baseUrl}${emailed.pathname}${emailed.hash}`;
      await page.goto(link);
      await page.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
      assert.ok(page.url().endsWith('/#/password-reset'), page.url());
      assert.equal(await page.getByLabel('Account').inputValue(), email);
      assert.match(await text(page.locator('main')), /a password reset never skips it/);
    },
  );

  await step('a common password is refused as it is typed, and by the server, with the reason in words', async () => {
    await page.getByLabel('New password').fill('password123');
    const strength = page.getByTestId('password-strength');
    await strength.getByText(/Not accepted\. This is a commonly used password/).waitFor();
    await page.getByLabel(CODE_FIELD).fill(await freshCode(server(), secret));
    await page.getByRole('button', { name: 'Set new password' }).click();
    assert.match(await text(page.getByRole('alert')), /commonly used password.*A few unrelated words/);
    await snap(page, 'forgot-password', '02-weak-password-explained');
  });

  await step('a strong password and the authenticator code set it; the page says what happened', async () => {
    await page.getByLabel('New password').fill(newPassword);
    await page
      .getByTestId('password-strength')
      .getByText(/^Strength: /)
      .waitFor();
    await page.getByLabel(CODE_FIELD).fill(await freshCode(server(), secret));
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your password was changed' }).waitFor();
    const mail = (await outbox(server())).filter((m) => m.to === email && m.subject === 'Your password was reset');
    assert.equal(mail.length, 1);
    await snap(page, 'forgot-password', '03-password-set');
  });

  await step('the same link again: a clear page, not an error', async () => {
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: 'This link no longer works' }).waitFor();
    await page.getByRole('link', { name: 'Ask for a new link' }).waitFor();
    await snap(page, 'forgot-password', '04-used-link');
  });

  await step(
    'the new password signs in (with the second factor); withdrawals are locked because of the reset',
    async () => {
      await signInWithCode(page, server(), email, newPassword, secret);
      assert.match(await text(page.getByTestId('withdrawal-lock')), /locked because the password was reset/);
    },
  );

  assert.deepEqual(errors(), []);
  await context.close();
});

test('change password: the other sessions end, withdrawals lock, a refusal is explained', {
  timeout: 300_000,
}, async (t) => {
  const email = `jules.${Date.now()}@example.com`;
  const password = 'marble lighthouse pepper 9';
  const newPassword = 'quiet glacier trumpet 64';
  const secret = await accountWithAuthenticator(server(), email, password);
  // Signed in elsewhere too (an API client).
  await advanceClock(server(), 30);
  const pending = await apiCall<{ challenge: string }>(server(), '/v1/sessions', { email, password });
  const elsewhere = await apiCall<{ token: string }>(server(), '/v1/sessions/verify', {
    challenge: pending.challenge,
    method: 'totp',
    code: await totpAt(secret, await serverNow(server())),
  });
  const statusOf = async (token: string) =>
    (await fetch(`${server().baseUrl}/v1/me/security`, { headers: { Authorization: `Bearer ${token}` } })).status;
  assert.equal(await statusOf(elsewhere.token), 200);

  const context = await newContext(browser(), server().baseUrl);
  await context.clock.install({ time: (await serverNow(server())) * 1000 });
  const page = await context.newPage();
  const errors = watchErrors(page);
  const step = journey(t, 'change-password', () => [page], server().output);
  const panel = page.locator('section', { has: page.getByRole('heading', { name: 'Change password' }) });

  await step('the panel says what a change does', async () => {
    await signInWithCode(page, server(), email, password, secret);
    assert.match(await text(panel), /signs out every other session.*withdrawals are locked for 24 hours/);
  });

  await step('a keyboard row is refused as it is typed, and by the server, with the reason', async () => {
    await panel.getByRole('button', { name: 'Change password…' }).click();
    await panel.getByLabel('Current password').fill(password);
    await panel.getByLabel('New password').fill('qwertyuiop1');
    await panel
      .getByTestId('password-strength')
      .getByText(/^Not accepted\./)
      .waitFor();
    await panel.getByLabel(CODE_FIELD).fill(await freshCode(server(), secret));
    await panel.getByRole('button', { name: 'Change password', exact: true }).click();
    assert.match(await text(panel.getByRole('alert')), /commonly used password|row of keys/);
    await snap(page, 'change-password', '01-refusal-explained');
  });

  await step('the current password, a strong new one and a code change it', async () => {
    await panel.getByLabel('New password').fill(newPassword);
    await panel
      .getByTestId('password-strength')
      .getByText(/^Strength: /)
      .waitFor();
    await panel.getByLabel(CODE_FIELD).fill(await freshCode(server(), secret));
    await panel.getByRole('button', { name: 'Change password', exact: true }).click();
    await panel
      .getByText(/^Your password was changed\. Every other session was signed out, and withdrawals are locked until/)
      .waitFor();
    assert.match(await text(page.getByTestId('withdrawal-lock')), /locked because the password was changed/);
    assert.equal(await statusOf(elsewhere.token), 401, 'the other session is signed out');
    const mail = (await outbox(server())).filter((m) => m.to === email && m.subject === 'Your password was changed');
    assert.equal(mail.length, 1);
    assert.match(mail[0]?.body ?? '', /withdrawals are locked for 24 hours, until \w+day, .* UTC/);
    await snap(page, 'change-password', '02-changed');
  });

  await step('this browser stays signed in; the old password no longer works', async () => {
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Account security' }).waitFor();
    await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
    await page.goto('/#/login');
    await submitPassword(page, email, password);
    assert.match(await text(page.getByRole('alert')), /email or password is not right/);
  });

  assert.deepEqual(errors(), []);
  await context.close();
});
