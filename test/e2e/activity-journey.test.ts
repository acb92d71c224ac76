// Issue 12 §4–5: on the security page the owner sees the recent sign-ins
// (time, browser and system in words, address, factor, result) and the
// signed-in sessions, signs another session out and is told that this
// browser was new to the account (the alert email).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newContext, snap, watchErrors } from './support/browser.ts';
import { journey, text } from './support/journey.ts';
import { apiCall, outbox } from './support/server.ts';
import { journeySetup } from './support/setup.ts';
import { submitPassword } from './support/sign-in.ts';

const J = 'activity';
const { server, browser } = journeySetup(J);

test('recent sign-ins and active sessions; signing another session out', { timeout: 300_000 }, async (t) => {
  const email = `grace.${Date.now()}@example.com`;
  const password = 'sessions and sign-ins 12';
  // The account was made elsewhere and is also signed in there (an API client).
  await apiCall(server(), '/v1/accounts', { email, password });
  const elsewhere = await apiCall<{ token: string }>(server(), '/v1/sessions', { email, password });
  const me = async (token: string) =>
    (await fetch(`${server().baseUrl}/v1/me/security`, { headers: { Authorization: `Bearer ${token}` } })).status;
  assert.equal(await me(elsewhere.token), 200);

  const context = await newContext(browser(), server().baseUrl);
  const page = await context.newPage();
  const errors = watchErrors(page);
  const step = journey(t, J, () => [page], server().output);

  await step('a wrong password, then the right one, in this browser', async () => {
    await page.goto('/#/login');
    await submitPassword(page, email, 'not my password at all');
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Account security' }).waitFor();
  });

  await step('recent sign-ins: newest first, in words, with the factor and the result', async () => {
    const list = page.getByTestId('activity');
    await list.waitFor();
    const items = await list.getByRole('listitem').allTextContents();
    assert.match(items[0] ?? '', /^Signed in · password.*Headless Chrome \d+ on Linux/);
    assert.match(items[1] ?? '', /^Wrong password · password.*Headless Chrome \d+ on Linux/);
    assert.match(items[2] ?? '', /^Signed in · password/, 'the API sign-in before them');
    assert.doesNotMatch(items.join('\n'), /Mozilla|AppleWebKit/, 'no raw user agent');
    await snap(page, J, '01-recent-sign-ins');
  });

  await step('active sessions: this browser labelled, the other one can be signed out', async () => {
    const sessions = page.getByTestId('sessions');
    const rows = sessions.getByRole('listitem');
    assert.equal(await rows.count(), 2);
    const current = rows.filter({ hasText: 'This browser' });
    assert.equal(await current.count(), 1);
    assert.equal(await current.getByRole('button').count(), 0, 'no Sign out on the current session');
    const other = rows.filter({ hasNotText: 'This browser' });
    await other.getByRole('button', { name: /^Sign out/ }).click();
    await page.getByText(/^Signed out /).waitFor();
    assert.equal(await rows.count(), 1);
    assert.equal(await me(elsewhere.token), 401, 'the other session is dead');
    assert.ok(
      await page.getByRole('button', { name: 'Sign out everywhere else' }).isDisabled(),
      'nothing else to sign out',
    );
    await snap(page, J, '02-other-session-signed-out');
  });

  await step('this browser still works; it was new to the account, so the owner was emailed', async () => {
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Account security' }).waitFor();
    assert.match(await text(page.getByTestId('sessions')), /This browser/);
    const alerts = (await outbox(server())).filter(
      (m) => m.to === email && m.subject === 'New sign-in to your account',
    );
    assert.ok(
      alerts.some(
        (m) => /Headless Chrome \d+ on Linux/.test(m.body) && / UTC/.test(m.body) && /\/freeze#token=/.test(m.body),
      ),
      JSON.stringify(alerts),
    );
  });

  assert.deepEqual(errors(), []);
  await context.close();
});
