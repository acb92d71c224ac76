// Issue 7, journey 2: a user who lost every factor opens a recovery ticket
// from the login page (after the triage of faster ways in, with the evidence
// checklist), uploads evidence and submits it; an agent finds it in the
// support console (overdue once the deadline passes), sees the evidence
// inline and approves it after a confirmation naming what it removes; the
// password alone then no longer signs in: the user opens the approval email's
// continue link in a fresh browser, binds the new authenticator from the
// ticket page, saves the new codes and lands signed in on the security page,
// withdrawals locked for 24 hours (reason: recovery) (issue 14, #1 and #7).
// Then a rejected ticket (notes to the user and internal), continued from the
// email and followed by a new one; an agent whose session ended returns to
// the ticket after signing in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { newContext, snap, watchErrors } from './support/browser.ts';
import { makePdf, makePng, recordWebm } from './support/fixtures.ts';
import { journey, text } from './support/journey.ts';
import { saveCodes } from './support/save-codes.ts';
import {
  addAgent,
  advanceClock,
  apiCall,
  recoveryLink,
  serverNow,
  ticketCall,
  uploadEvidence,
} from './support/server.ts';
import { journeySetup } from './support/setup.ts';
import { signInWithPassword, submitPassword } from './support/sign-in.ts';
import { totpAt } from './support/totp.ts';

const J = 'recovery';
const { server, browser } = journeySetup([J, 'full-verification', 'rejected-ticket']);

async function contextAtServerTime(): Promise<BrowserContext> {
  const context = await newContext(browser(), server().baseUrl);
  await context.clock.install({ time: (await serverNow(server())) * 1000 });
  return context;
}

/** An account with an authenticator bound, arranged through the API. */
async function userWithTwoFactor(email: string, password: string): Promise<void> {
  await apiCall(server(), '/v1/accounts', { email, password });
  const { token } = await apiCall<{ token: string }>(server(), '/v1/sessions', { email, password });
  const setup = await apiCall<{ setupId: string; secret: string }>(server(), '/v1/me/totp/setup', {}, token);
  const code = await totpAt(setup.secret, await serverNow(server()));
  const { revealToken } = await apiCall<{ revealToken: string }>(
    server(),
    '/v1/me/totp/confirm',
    { setupId: setup.setupId, code },
    token,
  );
  await apiCall(server(), '/v1/me/backup-codes/acknowledge', { revealToken }, token);
}

test('recovery ticket from open to approved in the support console', { timeout: 300_000 }, async (t) => {
  const email = `grace.${Date.now()}@example.com`;
  const password = 'a long and lonely password 7';
  const agentEmail = `agent.${Date.now()}@support.example.com`;
  const agentPassword = 'agent password for the queue 9';
  await userWithTwoFactor(email, password);
  await addAgent(server(), agentEmail, agentPassword);

  let userContext = await contextAtServerTime();
  let user = await userContext.newPage();
  let userErrors = watchErrors(user);
  let agentContext: BrowserContext | null = null;
  let agent: Page | null = null;
  const step = journey(t, J, () => (agent ? [user, agent] : [user]), server().output);

  await step('"Security verification unavailable?" opens a lost-2FA ticket', async () => {
    await user.goto('/#/login');
    await signInWithPassword(user, email, password);
    await user.getByRole('link', { name: 'Security verification unavailable?' }).click();
    await user.getByRole('heading', { level: 1, name: 'Recover your account' }).waitFor();
    // Triage first: each faster way in has its instant path.
    await user.getByLabel('My authenticator app shows codes, but they are refused').check();
    assert.match(await text(user.getByTestId('triage-answer')), /Set Automatically/);
    assert.equal(await user.getByRole('button', { name: 'Open recovery ticket' }).count(), 0);
    await snap(user, J, '01-recovery-triage-clock');
    await user.getByLabel('I still have a backup code').check();
    assert.match(await text(user.getByTestId('triage-answer')), /Use backup code/);
    await user.getByLabel('None of these').check();
    assert.equal(
      await user.getByLabel('I lost my phone (or my authenticator app) and have no backup codes left').isChecked(),
      true,
    );
    const checklist = user.getByTestId('evidence-checklist');
    assert.match(await text(checklist.getByTestId('checklist-id_document')), /Identity document \(required/);
    assert.match(await text(checklist), /14 days/);
    assert.match(await text(checklist), /within 72 hours/);
    assert.doesNotMatch(await text(user.locator('main')), /id_document|login_history|selfie_video/);
    await snap(user, J, '01-recovery-start');
    await user.getByRole('button', { name: 'Open recovery ticket' }).click();
    await user.getByRole('heading', { level: 1, name: 'Recovery ticket' }).waitFor();
    assert.equal(await text(user.getByTestId('ticket-status')), 'Awaiting evidence');
    await user.getByTestId('evidence-due-by').waitFor();
    assert.equal(await user.getByRole('button', { name: 'Submit for review' }).isDisabled(), true);
  });

  await step('upload evidence with progress, then submit: status and review deadline shown', async () => {
    await user.getByLabel('What is it?').selectOption('id_document');
    // A ~3 MB photo, so the upload takes long enough to show its progress bar.
    await user
      .getByLabel('File')
      .setInputFiles({ name: 'passport.png', mimeType: 'image/png', buffer: makePng(1000, 1000, true) });
    await user.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { progressSeen: number[] }).progressSeen = seen;
      new MutationObserver(() => {
        const bar = document.querySelector('progress');
        if (bar) seen.push(bar.value);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await user.getByRole('button', { name: 'Upload' }).click();
    await user.getByTestId('uploaded-evidence').getByText('passport.png').waitFor();
    await user.getByTestId('checklist-id_document').getByText('uploaded', { exact: false }).waitFor();
    const seen = await user.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
    assert.ok(seen.length > 0, 'a progress bar was shown during the upload');
    await snap(user, J, '02-evidence-uploaded');
    const submittedAt = await serverNow(server());
    await user.getByRole('button', { name: 'Submit for review' }).click();
    await user.getByTestId('ticket-status').getByText('In review').waitFor();
    const due = await user.getByTestId('review-due-by').locator('time').getAttribute('datetime');
    assert.ok(due, 'reviewDueBy is shown');
    const hours = (new Date(due).getTime() / 1000 - submittedAt) / 3600;
    assert.ok(hours > 71.9 && hours < 72.1, `lost_two_factor is due within 72 hours (got ${hours.toFixed(2)} h)`);
    await snap(user, J, '03-in-review');
  });

  await step('the agent sees the ticket in the queue, overdue once the deadline passed', async () => {
    await advanceClock(server(), 73 * 3600);
    await userContext.clock.fastForward(73 * 3600 * 1000);
    agentContext = await contextAtServerTime();
    agent = await agentContext.newPage();
    await agentSignIn(agent, agentEmail, agentPassword);
    const row = agent.getByTestId('support-queue').getByRole('row').filter({ hasText: email });
    await row.waitFor();
    await row.getByText('Overdue').waitFor();
    await snap(agent, J, '04-support-queue');
    await row.getByRole('link', { name: email }).click();
    await agent.getByRole('heading', { level: 1, name: 'Recovery ticket review' }).waitFor();
  });

  await step('the ticket view shows the evidence inline and the login comparison', async () => {
    if (!agent) throw new Error('no agent page');
    const img = agent.getByTestId('evidence-item').getByRole('img');
    await img.waitFor();
    await agent.waitForFunction(
      () => {
        const el = document.querySelector<HTMLImageElement>('[data-testid="evidence-item"] img');
        return el?.complete && el.naturalWidth === 1000;
      },
      undefined,
      { timeout: 10_000 },
    );
    await agent.getByRole('heading', { name: 'Claimant vs. account history' }).waitFor();
    await agent.getByRole('heading', { name: 'Login history of the account' }).waitFor();
    assert.match(await text(agent.getByTestId('approvals')), /0 of 1 needed/);
    await snap(agent, J, '05-ticket-review');
  });

  await step('the agent approves with a note, after a confirmation naming what approval removes', async () => {
    if (!agent) throw new Error('no agent page');
    await agent
      .getByLabel('Note to the user (kept in the audit log)')
      .fill('ID matches the account holder; login history consistent.');
    await agent.getByRole('button', { name: 'Approve…' }).click();
    const confirm = agent.getByTestId('approve-confirm');
    await confirm.waitFor();
    assert.deepEqual(await confirm.getByTestId('approve-removes').locator('li').allTextContents(), [
      'the authenticator app',
      'the backup codes',
      'every signed-in session of the account',
    ]);
    await snap(agent, J, '06-approve-confirm');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await agent.getByRole('button', { name: 'Approve…' }).click();
    await agent.getByTestId('approve-confirm').getByRole('button', { name: 'Approve and remove them' }).click();
    await agent.getByText(/Recorded\. The ticket is now: Approved/).waitFor();
    await agent.getByTestId('support-ticket-status').getByText('Approved').waitFor();
    await snap(agent, J, '06-approved');
  });

  await step('the user sees the approval and the binding waiting on the ticket page', async () => {
    await user.getByRole('button', { name: 'Refresh status' }).click();
    await user.getByTestId('ticket-status').getByText('Approved').waitFor();
    await user.getByRole('heading', { name: 'Bind your new authenticator' }).waitFor();
    await user.getByText(/Support approved your recovery/).waitFor();
    await snap(user, J, '07-user-sees-approval');
  });

  await step('the password alone no longer signs in: elsewhere an explanation, here a link to the ticket', async () => {
    // Another browser (no ticket in its storage): the password is right, but no session.
    const strangerContext = await contextAtServerTime();
    const stranger = await strangerContext.newPage();
    await stranger.goto('/#/login');
    await submitPassword(stranger, email, password);
    const refused = stranger.getByTestId('recovery-binding-required');
    await refused.waitFor();
    assert.match(await text(refused), /recovery was approved, but it is not finished/);
    assert.match(await text(refused), /open it with the link in the approval email/);
    assert.equal(await refused.getByRole('link', { name: 'Go to your recovery ticket' }).count(), 0);
    assert.equal(await stranger.getByRole('heading', { level: 1, name: 'Account security' }).count(), 0);
    await snap(stranger, J, '08-password-only-refused-elsewhere');
    // The refusal carries a login challenge: a claimant without the tab can open a new ticket.
    await refused.getByRole('link', { name: 'Open a new recovery ticket' }).click();
    await stranger.getByRole('heading', { level: 1, name: 'Recover your account' }).waitFor();
    await stranger.getByLabel('None of these').check();
    await stranger.getByText(email).waitFor();
    await stranger.getByRole('button', { name: 'Open recovery ticket' }).waitFor();
    await strangerContext.close();

    // This tab holds the ticket: the message links to it.
    await user.goto('/#/login');
    await submitPassword(user, email, password);
    const here = user.getByTestId('recovery-binding-required');
    await here.waitFor();
    await snap(user, J, '09-password-only-refused-here');
    await here.getByRole('link', { name: 'Go to your recovery ticket' }).click();
    await user.getByRole('heading', { level: 1, name: 'Recovery ticket' }).waitFor();
  });

  await step('the approval email links to the ticket: a fresh browser continues there with the password', async () => {
    await userContext.close();
    userContext = await contextAtServerTime();
    user = await userContext.newPage();
    userErrors = watchErrors(user);
    await user.goto(await recoveryLink(server(), email, /was approved/));
    await user.getByRole('heading', { level: 1, name: 'Continue your recovery' }).waitFor();
    assert.equal(new URL(user.url()).hash, '#/recovery/continue', 'the token left the address bar');
    await user.getByLabel('Email').fill(email);
    await user.getByLabel('Password', { exact: true }).fill(password);
    await snap(user, J, '09b-continue-from-email');
    await user.getByRole('button', { name: 'Open my recovery ticket' }).click();
    await user.getByRole('heading', { level: 1, name: 'Recovery ticket' }).waitFor();
    await user.getByTestId('ticket-status').getByText('Approved').waitFor();
  });

  await step(
    'the user binds the new authenticator from the ticket page, saves the codes; withdrawals locked',
    async () => {
      await user.getByRole('button', { name: 'Set up authenticator app' }).click();
      await user.getByRole('heading', { name: 'Bind your new authenticator' }).waitFor();
      const secret = (await text(user.getByTestId('setup-key'))).replace(/\s+/g, '');
      assert.match(secret, /^[A-Z2-7]{32,}=*$/);
      await user.getByRole('img', { name: /QR code/ }).waitFor();
      await snap(user, J, '10-recovery-binding');
      await user
        .getByLabel('Enter the 6-digit code the app shows')
        .fill(await totpAt(secret, await serverNow(server())));
      await user.getByRole('button', { name: 'Confirm and turn on 2FA' }).click();
      await user.getByRole('heading', { name: 'Save your backup codes' }).waitFor();
      const codes = await user.getByTestId('backup-codes').locator('li').allTextContents();
      assert.equal(codes.length, 8);
      await snap(user, J, '11-recovery-save-codes');
      await saveCodes(user);
      await user.getByRole('heading', { level: 1, name: 'Account security' }).waitFor();
      await user.getByText(/Your account is recovered/).waitFor();
      assert.match(await text(user.getByTestId('two-factor-status')), /2FA on/);
      assert.match(await text(user.getByTestId('backup-codes-remaining')), /8 of 8 left/);
      const lock = user.getByTestId('withdrawal-lock');
      await lock.getByText('Withdrawals are locked').waitFor();
      assert.match(await text(lock), /because the account was recovered through support/);
      const left = await text(lock.getByTestId('countdown'));
      assert.match(left, /^2[34]:\d\d:\d\d$/, `about 24 hours left, got ${left}`);
      await snap(user, J, '12-rebound-and-locked');
    },
  );

  await step('signing in again asks for the new authenticator', async () => {
    await user.getByRole('button', { name: 'Sign out', exact: true }).click();
    await signInWithPassword(user, email, password);
  });

  await step('no uncaught errors in the pages', async () => {
    assert.deepEqual(userErrors(), []);
  });

  await userContext.close();
  await (agentContext as BrowserContext | null)?.close();
});

async function agentSignIn(page: Page, email: string, password: string) {
  await page.goto('/#/login');
  await submitPassword(page, email, password);
  await page.getByRole('link', { name: 'Support console' }).click();
  await page.getByRole('heading', { level: 1, name: 'Support console' }).waitFor();
}

test('a full verification freezes sign-in and needs two different agents', { timeout: 300_000 }, async (t) => {
  const stamp = Date.now();
  const email = `linus.${stamp}@example.com`;
  const password = 'every factor is gone now 5';
  const agents = [
    { email: `first.${stamp}@support.example.com`, password: 'first agent password 11' },
    { email: `second.${stamp}@support.example.com`, password: 'second agent password 22' },
  ];
  await userWithTwoFactor(email, password);
  for (const a of agents) await addAgent(server(), a.email, a.password);

  // The claimant's side through the API (the UI for it is covered above).
  const { challenge } = await apiCall<{ challenge: string }>(server(), '/v1/sessions', { email, password });
  const ticket = await apiCall<{ ticketId: string; ticketToken: string }>(server(), '/v1/recovery/tickets', {
    challenge,
    kind: 'full_verification',
  });
  await uploadEvidence(server(), ticket.ticketId, ticket.ticketToken, 'id_document', {
    name: 'id-card.png',
    type: 'image/png',
    data: makePng(),
  });
  await uploadEvidence(server(), ticket.ticketId, ticket.ticketToken, 'selfie_video', {
    name: 'selfie.webm',
    type: 'video/webm',
    data: await recordWebm(browser()),
  });
  await uploadEvidence(server(), ticket.ticketId, ticket.ticketToken, 'login_history', {
    name: 'logins.pdf',
    type: 'application/pdf',
    data: makePdf(),
  });
  await ticketCall(server(), `/v1/recovery/tickets/${ticket.ticketId}/submit`, ticket.ticketToken);

  const contexts: BrowserContext[] = [];
  const pages: Page[] = [];
  const step = journey(t, 'full-verification', () => pages, server().output);

  await step('sign-in is frozen while the verification is in review', async () => {
    const context = await contextAtServerTime();
    contexts.push(context);
    const page = await context.newPage();
    pages.push(page);
    await page.goto('/#/login');
    await submitPassword(page, email, password);
    assert.match(
      await text(page.getByRole('alert')),
      /Sign-in is paused while a full identity verification is in review/,
    );
    await snap(page, 'full-verification', '01-frozen');
  });

  await step('the first agent approves: still in review, 1 of 2 approvals', async () => {
    const context = await contextAtServerTime();
    contexts.push(context);
    const page = await context.newPage();
    pages.push(page);
    await agentSignIn(page, agents[0]?.email ?? '', agents[0]?.password ?? '');
    await page.getByTestId('support-queue').getByRole('link', { name: email }).click();
    await page.getByRole('heading', { level: 1, name: 'Recovery ticket review' }).waitFor();
    // The login-history PDF shows inline (the browser's PDF viewer), with a download beside it.
    await page.getByTestId('evidence-pdf').waitFor();
    await page.getByRole('link', { name: 'Download login history (PDF)' }).waitFor();
    // The selfie video plays inline: its metadata loads from the fetched blob.
    await page.waitForFunction(() => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid="evidence-item"] video');
      return v !== null && v.readyState >= 1 && v.videoWidth === 160;
    });
    await page.getByLabel('Note to the user (kept in the audit log)').fill('ID document matches.');
    await page.getByLabel('Internal note (optional)').fill('Selfie pending second look.');
    await page.getByRole('button', { name: 'Approve…' }).click();
    assert.match(await text(page.getByTestId('approve-confirm')), /first of two approvals: nothing changes yet/);
    await page.getByRole('button', { name: 'Approve (1st of 2)' }).click();
    await page.getByText(/Recorded\. The ticket is now: In review/).waitFor();
    await page
      .getByTestId('approvals')
      .getByText(/1 of 2 needed — a second agent must approve too/)
      .waitFor();
    await page.getByTestId('awaiting-second-agent').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Approve…' }).count(), 0, 'no second vote from the same agent');
    assert.match(await text(page.getByTestId('internal-note')), /Selfie pending second look/);
    await snap(page, 'full-verification', '02-first-approval');
  });

  await step('the second agent approves: approved', async () => {
    const context = await contextAtServerTime();
    contexts.push(context);
    const page = await context.newPage();
    pages.push(page);
    await agentSignIn(page, agents[1]?.email ?? '', agents[1]?.password ?? '');
    await page.getByTestId('support-queue').getByRole('link', { name: email }).click();
    await page.getByRole('heading', { level: 1, name: 'Recovery ticket review' }).waitFor();
    assert.match(await text(page.getByTestId('approvals')), /1 of 2 needed/);
    await page.getByLabel('Note to the user (kept in the audit log)').fill('Agree: the claimant is the holder.');
    await page.getByRole('button', { name: 'Approve…' }).click();
    await page.getByRole('button', { name: 'Approve and remove them' }).click();
    await page.getByTestId('support-ticket-status').getByText('Approved').waitFor();
    assert.match(await text(page.getByTestId('approvals')), /2 of 2 needed/);
    await snap(page, 'full-verification', '03-second-approval');
  });

  for (const c of contexts) await c.close();
});

test('a rejected ticket, continued from its email, is followed by a new one', { timeout: 300_000 }, async (t) => {
  const stamp = Date.now();
  const email = `ada.${stamp}@example.com`;
  const password = 'my phone fell in the sea 3';
  const agentEmail = `reviewer.${stamp}@support.example.com`;
  const agentPassword = 'reviewer password for tickets 4';
  await userWithTwoFactor(email, password);
  await addAgent(server(), agentEmail, agentPassword);

  // The claimant's side up to the review through the API (the UI for it is covered above).
  const { challenge } = await apiCall<{ challenge: string }>(server(), '/v1/sessions', { email, password });
  const ticket = await apiCall<{ ticketId: string; ticketToken: string }>(server(), '/v1/recovery/tickets', {
    challenge,
    kind: 'lost_two_factor',
  });
  await uploadEvidence(server(), ticket.ticketId, ticket.ticketToken, 'id_document', {
    name: 'blurry.png',
    type: 'image/png',
    data: makePng(),
  });
  await ticketCall(server(), `/v1/recovery/tickets/${ticket.ticketId}/submit`, ticket.ticketToken);

  const contexts: BrowserContext[] = [];
  const pages: Page[] = [];
  const step = journey(t, 'rejected-ticket', () => pages, server().output);
  const fresh = async () => {
    const context = await contextAtServerTime();
    contexts.push(context);
    const page = await context.newPage();
    pages.push(page);
    return { context, page };
  };

  await step('an agent whose session ended returns to the ticket after signing in again', async () => {
    const { context, page } = await fresh();
    await agentSignIn(page, agentEmail, agentPassword);
    await page.getByTestId('support-queue').getByRole('link', { name: email }).click();
    await page.getByRole('heading', { level: 1, name: 'Recovery ticket review' }).waitFor();
    const ticketUrl = page.url();
    // The session ends (expired, or signed out elsewhere): the next load sends the agent to sign in…
    await context.clearCookies();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await submitPassword(page, agentEmail, agentPassword);
    // …and back to the same ticket, not to the security page.
    await page.getByRole('heading', { level: 1, name: 'Recovery ticket review' }).waitFor();
    assert.equal(page.url(), ticketUrl);
  });

  await step('the agent rejects with a note to the user and an internal note', async () => {
    const page = pages[0] as Page;
    await page
      .getByLabel('Note to the user (kept in the audit log)')
      .fill('The photo is too blurry: upload a sharp one.');
    await page.getByLabel('Internal note (optional)').fill('Face does not obviously match the 2023 KYC photo.');
    await snap(page, 'rejected-ticket', '01-reject-with-notes');
    await page.getByRole('button', { name: 'Reject' }).click();
    await page.getByTestId('support-ticket-status').getByText('Rejected').waitFor();
    assert.match(await text(page.getByTestId('internal-note')), /does not obviously match/);
    await snap(page, 'rejected-ticket', '02-rejected');
  });

  await step('the rejection email brings the user back in a fresh browser: the reason and a new ticket', async () => {
    const { page } = await fresh();
    await page.goto(await recoveryLink(server(), email, /rejected/));
    await page.getByRole('heading', { level: 1, name: 'Continue your recovery' }).waitFor();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Open my recovery ticket' }).click();
    await page.getByTestId('ticket-status').getByText('Rejected').waitFor();
    assert.match(await text(page.locator('main')), /The photo is too blurry: upload a sharp one\./);
    assert.doesNotMatch(await text(page.locator('main')), /KYC photo/, 'the internal note stays with the agents');
    await snap(page, 'rejected-ticket', '03-user-sees-rejection');
    await page.getByTestId('new-ticket').getByRole('button', { name: 'Open a new recovery ticket' }).click();
    await page.getByRole('heading', { level: 1, name: 'Recover your account' }).waitFor();
    await page.getByLabel('None of these').check();
    await page.getByRole('button', { name: 'Open recovery ticket' }).click();
    await page.getByRole('heading', { level: 1, name: 'Recovery ticket' }).waitFor();
    assert.equal(await text(page.getByTestId('ticket-status')), 'Awaiting evidence');
    await snap(page, 'rejected-ticket', '04-new-ticket');
  });

  await step('the used link works no more', async () => {
    const { page } = await fresh();
    await page.goto(await recoveryLink(server(), email, /rejected/));
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Open my recovery ticket' }).click();
    await page.getByTestId('continue-link-refused').waitFor();
    await snap(page, 'rejected-ticket', '05-link-used');
  });

  for (const c of contexts) await c.close();
});
