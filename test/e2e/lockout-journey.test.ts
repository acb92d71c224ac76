// Issue 14 #3, lockouts that warn and leave a way out: from the third wrong
// code the step says how many tries are left before the 24-hour lock; the
// fifth wrong code of a sign-in says at once that it is over; the code that
// uses the day's budget up shows the lock with its cause and end; the password
// step during the lock answers with the lock page (not a bare error on the
// password page), from which a recovery ticket opens.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { FAILURES_BEFORE_LOCK, FAILURES_PER_CHALLENGE, WARN_ATTEMPTS_FROM_FAILURE } from '../../src/domain/policy.ts';
import { accountWithAuthenticator } from './support/accounts.ts';
import { newContext, snap, watchErrors } from './support/browser.ts';
import { journey, text } from './support/journey.ts';
import { serverNow } from './support/server.ts';
import { journeySetup } from './support/setup.ts';
import { signInWithPassword, submitPassword } from './support/sign-in.ts';
import { totpAt } from './support/totp.ts';

const J = 'lockout';
const { server, browser } = journeySetup(J);
const CODE_FIELD = '6-digit code from your authenticator app';

interface Refusal {
  code: string;
  attemptsRemaining?: number;
  challengeAttemptsRemaining?: number;
  lockedUntil?: string;
}

test('wrong codes warn before the lock; the lock names its cause and end and a ticket opens during it', {
  timeout: 240_000,
}, async (t) => {
  const email = `mallory.${Date.now()}@example.com`;
  const password = 'wrong codes all day long 3';
  const secret = await accountWithAuthenticator(server(), email, password);

  const context = await newContext(browser(), server().baseUrl);
  await context.clock.install({ time: (await serverNow(server())) * 1000 });
  const page = await context.newPage();
  const errors = watchErrors(page);
  const step = journey(t, J, () => [page], server().output);
  // Distinct codes that are right for no time near now (the server does not
  // count the same wrong code twice, so each attempt must differ).
  let tries = 0;
  const wrong = async () => {
    tries += 1;
    const right = Number(await totpAt(secret, await serverNow(server())));
    return String((right + 100_003 * tries) % 1_000_000).padStart(6, '0');
  };
  /** Types a wrong code; resolves to the server's answer once the page shows it. */
  const typeWrongCode = async (p: Page): Promise<Refusal> => {
    await p.getByLabel(CODE_FIELD).fill(await wrong());
    const [response] = await Promise.all([
      p.waitForResponse((r) => r.url().endsWith('/v1/sessions/verify')),
      p.getByRole('button', { name: 'Verify' }).click(),
    ]);
    await p.getByRole('alert').first().waitFor();
    return (await response.json()) as Refusal;
  };
  const attemptsLeft = page.getByTestId('attempts-left');

  await step('a wrong code is explained; no warning for the first two', async () => {
    await page.goto('/#/login');
    await signInWithPassword(page, email, password);
    for (let failure = 1; failure < WARN_ATTEMPTS_FROM_FAILURE; failure++) {
      const refusal = await typeWrongCode(page);
      assert.equal(refusal.attemptsRemaining, FAILURES_BEFORE_LOCK - failure);
      assert.match(await text(page.getByRole('alert')), /That code is not right/);
      assert.equal(await attemptsLeft.count(), 0);
    }
    await snap(page, J, '01-wrong-code');
  });

  await step('from the third wrong code, the tries left before the 24-hour lock', async () => {
    const refusal = await typeWrongCode(page);
    const left = FAILURES_BEFORE_LOCK - WARN_ATTEMPTS_FROM_FAILURE;
    assert.equal(refusal.attemptsRemaining, left);
    assert.equal(
      await text(attemptsLeft),
      `${left} tries left before two-factor sign-in locks for 24 hours — check your phone's clock, or use a backup code.`,
    );
    await snap(page, J, '02-attempts-left');
  });

  await step('the fifth wrong code of a sign-in says at once that it is over', async () => {
    for (let failure = WARN_ATTEMPTS_FROM_FAILURE + 1; failure <= FAILURES_PER_CHALLENGE; failure++) {
      const refusal = await typeWrongCode(page);
      assert.equal(refusal.challengeAttemptsRemaining, FAILURES_PER_CHALLENGE - failure);
    }
    assert.match(await text(page.getByTestId('sign-in-over')), /This sign-in is over/);
    assert.match(await text(attemptsLeft), new RegExp(`^${FAILURES_BEFORE_LOCK - FAILURES_PER_CHALLENGE} tries left`));
    assert.equal(await page.getByLabel(CODE_FIELD).count(), 0, 'no code field for a sign-in that is over');
    assert.equal(
      await page.getByRole('link', { name: /Security verification unavailable\?/ }).count(),
      0,
      'no recovery link on a dead challenge: recovery starts from a new sign-in',
    );
    await snap(page, J, '03-sign-in-over');
  });

  await step('the code that uses the day up shows the lock, its cause and its end', async () => {
    await page.getByRole('button', { name: 'Start again' }).click();
    await signInWithPassword(page, email, password);
    let refusal: Refusal = { code: '' };
    for (let failure = FAILURES_PER_CHALLENGE + 1; failure <= FAILURES_BEFORE_LOCK; failure++) {
      refusal = await typeWrongCode(page);
      assert.equal(refusal.attemptsRemaining, FAILURES_BEFORE_LOCK - failure);
    }
    assert.ok(refusal.lockedUntil, JSON.stringify(refusal));
    const lock = page.getByTestId('second-factor-locked');
    assert.match(await text(lock), /Two-factor sign-in is locked/);
    assert.match(await text(lock), new RegExp(`${FAILURES_BEFORE_LOCK} wrong codes were entered`));
    assert.match(await text(lock.getByTestId('countdown')), /^2[34]:\d\d:\d\d$/);
    await snap(page, J, '04-locked');
  });

  await step('during the lock the password step opens the lock page, not a bare error', async () => {
    await page.getByRole('button', { name: 'Start again' }).click();
    await submitPassword(page, email, password);
    await page.getByRole('heading', { level: 1, name: 'Two-factor sign-in is locked' }).waitFor();
    assert.match(await text(page.getByTestId('second-factor-locked')), /wrong codes were entered/);
    await snap(page, J, '05-locked-at-password');
  });

  await step('a recovery ticket opens during the lock', async () => {
    await page.getByRole('link', { name: /Security verification unavailable\?/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Recover your account' }).waitFor();
    // The faster ways in come first (issue 14 #1); this user has none of them.
    await page.getByLabel('None of these').check();
    await page.getByRole('button', { name: 'Open recovery ticket' }).click();
    await page.getByRole('heading', { level: 1, name: 'Recovery ticket' }).waitFor();
    await snap(page, J, '06-ticket-during-lock');
  });

  await step('no uncaught errors in the page', async () => {
    assert.deepEqual(errors(), []);
  });
  await context.close();
});
