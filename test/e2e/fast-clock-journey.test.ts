// Issue 14 #4, the fast-clock trap closed: a phone 3 minutes fast gets the
// clock message; once its clock is fixed, the right code (for a step the
// diagnosis burnt) is refused without counting, with a countdown to when codes
// work again and a backup code offered meanwhile; when the countdown ends the
// right code signs in. The only counted failure is the diagnosis itself.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FAILURES_BEFORE_LOCK } from '../../src/domain/policy.ts';
import { accountWithAuthenticator } from './support/accounts.ts';
import { newContext, snap, watchErrors } from './support/browser.ts';
import { journey, text } from './support/journey.ts';
import { advanceClock, apiCall, serverNow } from './support/server.ts';
import { journeySetup } from './support/setup.ts';
import { signInWithPassword } from './support/sign-in.ts';
import { totpAt } from './support/totp.ts';

const J = 'fast-clock';
const { server, browser } = journeySetup(J);
const CODE_FIELD = '6-digit code from your authenticator app';
const FAST_BY_SECONDS = 180;

interface Answer {
  code?: string;
  status?: string;
  token?: string;
  attemptsRemaining?: number;
  challengeAttemptsRemaining?: number;
  retryAt?: string;
  driftSeconds?: number;
}

test('a fast phone clock: diagnosed, fixed, a short wait without penalty, then signed in', {
  timeout: 240_000,
}, async (t) => {
  const email = `fastclock.${Date.now()}@example.com`;
  const password = 'my phone runs three minutes fast';
  const secret = await accountWithAuthenticator(server(), email, password);
  // The confirm code's step is spent: start in the next one.
  await advanceClock(server(), 30);

  const context = await newContext(browser(), server().baseUrl);
  await context.clock.install({ time: (await serverNow(server())) * 1000 });
  const page = await context.newPage();
  const errors = watchErrors(page);
  const step = journey(t, J, () => [page], server().output);
  const typeCode = async (code: string): Promise<Answer> => {
    await page.getByLabel(CODE_FIELD).fill(code);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/v1/sessions/verify')),
      page.getByRole('button', { name: 'Verify' }).click(),
    ]);
    return (await response.json()) as Answer;
  };
  let retryAt = '';

  await step('the code from a phone 3 minutes fast: the clock message', async () => {
    await page.goto('/#/login');
    await signInWithPassword(page, email, password);
    const answer = await typeCode(await totpAt(secret, (await serverNow(server())) + FAST_BY_SECONDS));
    assert.equal(answer.code, 'clock_out_of_sync');
    assert.equal(answer.attemptsRemaining, FAILURES_BEFORE_LOCK - 1, 'the diagnosis counts, as ADR 0004 says');
    assert.match(
      await text(page.getByRole('alert')),
      /your phone's clock is about 3 minutes ahead.*codes work again in about 3 minutes; a backup code works now/,
    );
    await snap(page, J, '01-clock-ahead');
  });

  await step(
    'clock fixed, the right code: when codes work again, a countdown, a backup code offered; not counted',
    async () => {
      const answer = await typeCode(await totpAt(secret, await serverNow(server())));
      assert.equal(answer.code, 'code_step_reserved');
      assert.equal(answer.attemptsRemaining, FAILURES_BEFORE_LOCK - 1, 'not counted in the budget');
      assert.equal(answer.challengeAttemptsRemaining !== undefined, true);
      retryAt = answer.retryAt ?? '';
      const wait = Date.parse(retryAt) / 1000 - (await serverNow(server()));
      assert.ok(wait > 0 && wait <= FAST_BY_SECONDS + 30, `codes work again in ${wait} s`);
      const reserved = page.getByTestId('code-step-reserved');
      assert.match(await text(reserved), /did not count as a wrong code/);
      assert.match(await text(reserved.getByTestId('countdown')), /^00:0[0-3]:\d\d$/);
      await reserved.getByRole('button', { name: 'Use a backup code instead' }).waitFor();
      await snap(page, J, '02-code-step-reserved');
      // Typing it again while waiting costs nothing either.
      const again = await typeCode(await totpAt(secret, await serverNow(server())));
      assert.equal(again.code, 'code_step_reserved');
      assert.equal(again.attemptsRemaining, FAILURES_BEFORE_LOCK - 1);
    },
  );

  await step('the countdown ends: codes work again', async () => {
    const wait = Date.parse(retryAt) / 1000 - (await serverNow(server())) + 1;
    await advanceClock(server(), wait);
    await page.clock.fastForward(wait * 1000);
    await page.getByText('Codes work again now').waitFor();
    await snap(page, J, '03-codes-work-again');
  });

  await step('the right code signs in, and the budget shows only the diagnosis', async () => {
    const answer = await typeCode(await totpAt(secret, await serverNow(server())));
    assert.equal(answer.status, 'authenticated', JSON.stringify(answer));
    await page.getByRole('heading', { level: 1, name: 'Account security' }).waitFor();
    await snap(page, J, '04-signed-in');
    // The owner's activity: one refused code (the diagnosis), then the sign-in; the waits are not there.
    const { events } = await apiCall<{ events: Array<{ result: string }> }>(
      server(),
      '/v1/me/activity',
      undefined,
      answer.token,
    );
    const results = events.map((e) => e.result);
    assert.equal(results.filter((r) => r === 'second_factor_failed').length, 1, JSON.stringify(results));
    assert.equal(results[0], 'success', JSON.stringify(results));
    // One wrong code after it: the budget still had all but the diagnosis left.
    const { challenge } = await apiCall<{ challenge: string }>(server(), '/v1/sessions', { email, password });
    const probe = await fetch(`${server().baseUrl}/v1/sessions/verify`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ challenge, method: 'backup_code', code: '000000' }),
    });
    const refused = (await probe.json()) as Answer;
    assert.equal(refused.code, 'invalid_code');
    assert.equal(refused.attemptsRemaining, FAILURES_BEFORE_LOCK - 2, 'only the diagnosis and this probe counted');
  });

  await step('no uncaught errors in the page', async () => {
    assert.deepEqual(errors(), []);
  });
  await context.close();
});
