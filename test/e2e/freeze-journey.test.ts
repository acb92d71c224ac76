// Issue 12 §3 in Chromium (desktop and phone, axe-core at each snapshot):
// "this wasn't me" from the link of a security email, opened in a fresh
// browser (the token in the fragment, wiped from the address; opening the page
// freezes nothing, its one button does); the frozen sign-in that leads to a
// recovery ticket, which support sees marked "Frozen by owner" and whose
// approval unfreezes; a broken link's clear page; and "Freeze my account" on the
// security page, which names what happens, signs the owner out and says what
// comes next.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { accountWithAuthenticator } from './support/accounts.ts';
import { newContext, snap, watchErrors } from './support/browser.ts';
import { makePng } from './support/fixtures.ts';
import { journey, text } from './support/journey.ts';
import {
  addAgent,
  advanceClock,
  apiCall,
  outbox,
  serverNow,
  type TestServer,
  ticketCall,
  uploadEvidence,
} from './support/server.ts';
import { journeySetup } from './support/setup.ts';
import { signInWithPassword, submitPassword } from './support/sign-in.ts';
import { totpAt } from './support/totp.ts';

const J = ['freeze-link', 'freeze-signed-in'];
const { server, browser } = journeySetup(J);
const CODE_FIELD = '6-digit code from your authenticator app';

/** A session signed in through the API (another device of the owner, or of an attacker). */
async function apiSession(s: TestServer, email: string, password: string, secret: string): Promise<string> {
  await advanceClock(s, 30);
  const pending = await apiCall<{ challenge: string }>(s, '/v1/sessions', { email, password });
  const done = await apiCall<{ token: string }>(s, '/v1/sessions/verify', {
    challenge: pending.challenge,
    method: 'totp',
    code: await totpAt(secret, await serverNow(s)),
  });
  return done.token;
}

async function statusWith(s: TestServer, token: string): Promise<number> {
  return (await fetch(`${s.baseUrl}/v1/me/security`, { headers: { Authorization: `Bearer ${token}` } })).status;
}

async function freshPage(s: TestServer): Promise<Page> {
  const context = await newContext(browser(), s.baseUrl);
  await context.clock.install({ time: (await serverNow(s)) * 1000 });
  return context.newPage();
}

test('"this wasn\'t me" from the email link: one button freezes, the sign-in then leads to recovery', {
  timeout: 300_000,
}, async (t) => {
  const email = `nora.${Date.now()}@example.com`;
  const password = 'pelican saffron meadow 12';
  const secret = await accountWithAuthenticator(server(), email, password);
  const elsewhere = await apiSession(server(), email, password, secret);
  assert.equal(await statusWith(server(), elsewhere), 200);

  // The link is opened in a browser that was never signed in (a phone's mail app, say).
  const page = await freshPage(server());
  const errors = watchErrors(page);
  const step = journey(t, 'freeze-link', () => [page], server().output);
  let link = '';

  await step('the newest security email ends with a freeze link, token in the fragment', async () => {
    const mail = (await outbox(server())).filter((m) => m.to === email);
    const newest = mail.at(-1)?.body ?? '';
    assert.match(newest, /Wasn't you\? Freeze your account:/);
    assert.doesNotMatch(newest, /contact support to freeze/);
    const emailed = new URL(/(http\S+\/freeze#token=[A-Za-z0-9_-]+)/.exec(newest)?.[1] ?? '/');
    assert.equal(emailed.pathname, '/freeze');
    assert.match(emailed.hash, /^#token=[A-Za-z0-9_-]{43}$/);
    link = `${server().baseUrl}${emailed.pathname}${emailed.hash}`;
  });

  await step('opening the link explains and changes nothing; the token leaves the address bar', async () => {
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: 'Was this not you?' }).waitFor();
    assert.ok(page.url().endsWith('/freeze'), page.url());
    assert.match(await text(page.locator('main')), /every session of your account is signed out/);
    assert.equal(await page.getByRole('button').count(), 1, 'one button');
    assert.equal(await statusWith(server(), elsewhere), 200, 'opening the page froze nothing');
    await snap(page, 'freeze-link', '01-freeze-page');
  });

  await step('"Freeze my account" freezes: sessions end, the page says what happens next', async () => {
    await page.getByRole('button', { name: 'Freeze my account' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your account is frozen' }).waitFor();
    assert.match(await text(page.getByTestId('frozen-next-steps')), /recovery ticket/);
    assert.equal(await statusWith(server(), elsewhere), 401);
    const mail = (await outbox(server())).filter((m) => m.to === email && m.subject === 'Your account is frozen');
    assert.equal(mail.length, 1);
    await snap(page, 'freeze-link', '02-frozen');
  });

  await step('a broken link gets a clear page, not an error', async () => {
    // A tab of its own: from /freeze, only the fragment would change and the page would not load again.
    const broken = await page.context().newPage();
    await broken.goto(`${server().baseUrl}/freeze#token=${'A'.repeat(43)}`);
    await broken.getByRole('button', { name: 'Freeze my account' }).click();
    await broken.getByRole('heading', { level: 1, name: 'This freeze link does not work' }).waitFor();
    assert.match(await text(broken.locator('main')), /Opening it changed nothing/);
    await snap(broken, 'freeze-link', '03-broken-link');
    await broken.close();
  });

  await step('signing in says the account is frozen and opens a recovery ticket', async () => {
    await page.goto(`${server().baseUrl}/#/login`);
    await submitPassword(page, email, password);
    assert.match(await text(page.getByRole('alert')), /This account is frozen/);
    await snap(page, 'freeze-link', '04-sign-in-frozen');
    await page.getByRole('link', { name: 'Open a recovery ticket' }).click();
    await page.getByRole('heading', { level: 1, name: 'Recover your account' }).waitFor();
    // No "faster way in" (a backup code, a key) helps a frozen account: the page goes straight to the ticket.
    assert.match(await text(page.getByTestId('frozen-recovery')), /Your account is frozen/);
    assert.equal(await page.getByLabel('None of these').count(), 0);
    assert.match(await text(page.locator('main')), new RegExp(`Account: ${email.replace(/\./g, '\\.')}`));
    await page.getByRole('button', { name: 'Open recovery ticket' }).click();
    await page.getByRole('heading', { level: 1, name: 'Recovery ticket' }).waitFor();
    await snap(page, 'freeze-link', '05-ticket-opened');
  });

  await step('support sees "Frozen by owner" in the queue and on the ticket; approving it unfreezes', async () => {
    const stored = await page.evaluate(() => sessionStorage.getItem('latchkey.recovery.ticket'));
    const ticket = JSON.parse(stored ?? '{}') as { ticketId: string; ticketToken: string };
    await uploadEvidence(server(), ticket.ticketId, ticket.ticketToken, 'id_document', {
      name: 'passport.png',
      type: 'image/png',
      data: makePng(),
    });
    await ticketCall(server(), `/v1/recovery/tickets/${ticket.ticketId}/submit`, ticket.ticketToken);
    const agentEmail = `agent.${Date.now()}@support.example.com`;
    const agentPassword = 'agent password for the freeze 7';
    await addAgent(server(), agentEmail, agentPassword);
    const agent = await page.context().newPage();
    await agent.goto('/#/login');
    await submitPassword(agent, agentEmail, agentPassword);
    await agent.getByRole('link', { name: 'Support console' }).click();
    const row = agent.getByTestId('support-queue').getByRole('row').filter({ hasText: email });
    await row.getByTestId('frozen-by-owner').waitFor();
    assert.match(await text(row.getByTestId('frozen-by-owner')), /^Frozen by owner on /);
    await snap(agent, 'freeze-link', '06-support-queue');
    await row.getByRole('link', { name: email }).click();
    await agent.getByText('Approving this ticket ends the freeze.').waitFor();
    await snap(agent, 'freeze-link', '07-support-ticket');
    const login = await apiCall<{ token: string }>(server(), '/v1/sessions', {
      email: agentEmail,
      password: agentPassword,
    });
    await apiCall(
      server(),
      `/v1/support/tickets/${ticket.ticketId}/decision`,
      { decision: 'approve', note: 'The document matches the owner.' },
      login.token,
    );
    // Unfrozen: the password step now asks for the new authenticator's binding instead.
    const after = await fetch(`${server().baseUrl}/v1/sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    assert.equal(after.status, 403);
    assert.equal(((await after.json()) as { code: string }).code, 'recovery_binding_required');
    await agent.close();
  });

  assert.deepEqual(errors(), []);
  await page.context().close();
});

test('"Freeze my account" on the security page names what happens, then signs the owner out', {
  timeout: 300_000,
}, async (t) => {
  const email = `otto.${Date.now()}@example.com`;
  const password = 'juniper anchor lantern 40';
  const secret = await accountWithAuthenticator(server(), email, password);
  const page = await freshPage(server());
  const errors = watchErrors(page);
  const step = journey(t, 'freeze-signed-in', () => [page], server().output);
  const panel = page.locator('section', { has: page.getByRole('heading', { name: 'Freeze my account' }) });

  await step('the security page offers it, and asks first, naming the effects', async () => {
    await page.goto('/#/login');
    await signInWithPassword(page, email, password);
    await page.getByLabel(CODE_FIELD).fill(await totpAt(secret, await advanceClock(server(), 30)));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { level: 1, name: 'Account security' }).waitFor();
    await panel.getByRole('button', { name: 'Freeze my account' }).click();
    const confirm = await text(panel);
    assert.match(confirm, /Every session is signed out, this one included/);
    assert.match(confirm, /Nobody can sign in or withdraw, you included/);
    assert.match(confirm, /Only an approved recovery ticket unfreezes it/);
    await snap(page, 'freeze-signed-in', '01-confirm');
  });

  await step('confirming freezes and signs out; the next page says what happens next', async () => {
    await panel.getByRole('button', { name: 'Yes, freeze my account' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your account is frozen' }).waitFor();
    await snap(page, 'freeze-signed-in', '02-frozen');
    await page.goto('/#/security');
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  });

  assert.deepEqual(errors(), []);
  await page.context().close();
});
