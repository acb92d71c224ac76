// Issue 7, login messages: wrong codes say so, a challenge that took too many
// wrong codes asks to start again, and the account-wide lockout says when it
// ends (429 rate_limited with Retry-After).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newContext, snap, watchErrors } from './support/browser.ts';
import { journey, text } from './support/journey.ts';
import { apiCall, serverNow } from './support/server.ts';
import { journeySetup } from './support/setup.ts';
import { signInWithPassword, submitPassword } from './support/sign-in.ts';
import { totpAt } from './support/totp.ts';

const J = 'lockout';
const { server, browser } = journeySetup(J);

test('wrong codes, a dead challenge and the lockout are explained', { timeout: 240_000 }, async (t) => {
  const email = `mallory.${Date.now()}@example.com`;
  const password = 'wrong codes all day long 3';
  await apiCall(server(), '/v1/accounts', { email, password });
  const { token } = await apiCall<{ token: string }>(server(), '/v1/sessions', { email, password });
  const setup = await apiCall<{ setupId: string; secret: string }>(server(), '/v1/me/totp/setup', {}, token);
  const good = await totpAt(setup.secret, await serverNow(server()));
  await apiCall(server(), '/v1/me/totp/confirm', { setupId: setup.setupId, code: good }, token);

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
    const right = Number(await totpAt(setup.secret, await serverNow(server())));
    return String((right + 100_003 * tries) % 1_000_000).padStart(6, '0');
  };

  await step('a wrong code is explained', async () => {
    await page.goto('/#/login');
    await signInWithPassword(page, email, password);
    await page.getByLabel('6-digit code from your authenticator app').fill(await wrong());
    await page.getByRole('button', { name: 'Verify' }).click();
    assert.match(await text(page.getByRole('alert')), /That code is not right/);
    await snap(page, J, '01-wrong-code');
  });

  await step('after too many wrong codes the lockout says when it ends', async () => {
    let sawRestart = false;
    for (let attempt = 0; attempt < 20; attempt++) {
      const alert = page.getByRole('alert');
      const message = (await alert.count()) > 0 ? await text(alert) : '';
      if (/Too many attempts/.test(message)) {
        assert.match(message, /try again in about \d+ hours?, at /);
        assert.ok(sawRestart, 'a challenge with too many wrong codes asked to start again first');
        await snap(page, J, '03-locked-out');
        return;
      }
      const restart = page.getByRole('button', { name: 'Start again' });
      if (await restart.isVisible()) {
        assert.match(message, /Please start again/);
        if (!sawRestart) await snap(page, J, '02-challenge-dead');
        sawRestart = true;
        await restart.click();
        await submitPassword(page, email, password);
        // The lockout may already answer at the password step.
        await page
          .getByRole('alert')
          .or(page.getByRole('heading', { level: 1, name: 'Security verification' }))
          .first()
          .waitFor();
        continue;
      }
      await page.getByLabel('6-digit code from your authenticator app').fill(await wrong());
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/v1/sessions/verify')),
        page.getByRole('button', { name: 'Verify' }).click(),
      ]);
      await page.getByRole('alert').waitFor();
    }
    assert.fail('no lockout after 20 wrong codes');
  });

  await step('no uncaught errors in the page', async () => {
    assert.deepEqual(errors(), []);
  });
  await context.close();
});
