// Issue 7, "later security key and SMS": add a security key (Chromium's
// virtual authenticator) and a phone on the security page, each change
// confirmed with a second factor, then sign in with each of them from the
// second-factor step, and remove them again (a second factor again).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newContext, snap, watchErrors } from './support/browser.ts';
import { journey, text } from './support/journey.ts';
import { advanceClock, apiCall, latestSmsCode, serverNow } from './support/server.ts';
import { journeySetup } from './support/setup.ts';
import { signInWithPassword } from './support/sign-in.ts';
import { totpAt } from './support/totp.ts';

const J = 'further-factors';
const { server, browser } = journeySetup(J);

test('security key and SMS: added on the security page, used to sign in', { timeout: 300_000 }, async (t) => {
  const email = `katherine.${Date.now()}@example.com`;
  const password = 'keys and phones and codes 8';
  await apiCall(server(), '/v1/accounts', { email, password });
  const { token } = await apiCall<{ token: string }>(server(), '/v1/sessions', { email, password });
  const setup = await apiCall<{ setupId: string; secret: string }>(server(), '/v1/me/totp/setup', {}, token);
  const first = await totpAt(setup.secret, await serverNow(server()));
  await apiCall(server(), '/v1/me/totp/confirm', { setupId: setup.setupId, code: first }, token);

  // WebAuthn accepts a host name only: this journey runs on localhost.
  const context = await newContext(browser(), server().localhostUrl);
  await context.clock.install({ time: (await serverNow(server())) * 1000 });
  const page = await context.newPage();
  const errors = watchErrors(page);
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'usb',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  const step = journey(t, J, () => [page], server().output);

  await step('sign in with the authenticator app', async () => {
    await page.goto('/#/login');
    await signInWithPassword(page, email, password);
    const now = await advanceClock(server(), 31);
    await context.clock.fastForward(31_000);
    await page.getByLabel('6-digit code from your authenticator app').fill(await totpAt(setup.secret, now));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { level: 1, name: 'Account security' }).waitFor();
  });

  await step('adding a security key needs a second factor: a wrong code is refused, a fresh one works', async () => {
    await page.getByRole('button', { name: 'Add security keys' }).click();
    await page.getByLabel('Name for the new key').fill('Desk YubiKey');
    await page.getByRole('button', { name: 'Add security key' }).click();
    const keys = page.getByRole('region', { name: 'Security keys' });
    await keys.getByText(/To add the security key “Desk YubiKey”, first confirm it is you/).waitFor();
    assert.equal(
      await page.evaluate(() => document.activeElement?.id),
      'key-add-prompt',
      'focus moves to what is about to change',
    );
    // The authenticator code of the sign-in is spent: a wrong one is refused (401 invalid_code).
    await keys.getByLabel('6-digit code from your authenticator app').fill('000000');
    await keys.getByRole('button', { name: 'Confirm and add key' }).click();
    assert.match(await text(keys.getByRole('alert')), /That code is not right/);
    await snap(page, J, '01-key-step-up-refused');
    const now = await advanceClock(server(), 31); // a TOTP code works once per 30 s step
    await context.clock.fastForward(31_000);
    await keys.getByLabel('6-digit code from your authenticator app').fill(await totpAt(setup.secret, now));
    await keys.getByRole('button', { name: 'Confirm and add key' }).click();
    await page.getByText('Security key “Desk YubiKey” added.').waitFor();
    assert.match(await text(page.getByTestId('security-keys')), /Desk YubiKey/);
  });

  await step('add and confirm a phone for SMS codes, the change confirmed with the security key', async () => {
    await page.getByRole('button', { name: 'Add sms codes' }).click();
    await page.getByLabel('Phone number').fill('+44 7700 900123');
    await page.getByRole('button', { name: 'Send a code to this phone' }).click();
    const sms = page.getByRole('region', { name: 'SMS codes' });
    await sms.getByText(/To add \+44 7700 900123 for SMS codes, first confirm it is you/).waitFor();
    await sms.getByLabel('Security key', { exact: true }).check();
    await sms.getByText('When you continue, touch your security key when it blinks.').waitFor();
    await snap(page, J, '02-phone-step-up-with-key');
    await sms.getByRole('button', { name: 'Confirm and send the code' }).click();
    await page.getByText(/We sent a code by SMS/).waitFor();
    await page.getByLabel('Code from the SMS').fill(await latestSmsCode(server()));
    await page.getByRole('button', { name: 'Confirm phone' }).click();
    await page.getByText(/Your phone is confirmed/).waitFor();
    assert.match(await text(page.getByTestId('sms-phone')), /confirmed/);
    assert.match(await text(page.getByTestId('method-webauthn')), /1 key · last used/, 'the step-up used the key');
    await snap(page, J, '03-key-and-phone-added');
  });

  await step('sign in with the security key', async () => {
    await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
    await signInWithPassword(page, email, password);
    assert.equal(await text(page.getByTestId('signing-in-as')), email, 'the step names the account');
    // A registered key is offered first and chosen already; backup codes last, with the count left.
    const choices = await page
      .getByRole('radio')
      .evaluateAll((radios) => radios.map((r) => (r as HTMLInputElement).labels?.[0]?.textContent ?? ''));
    assert.equal(choices[0], 'Security key');
    assert.match(choices.at(-1) ?? '', /^Use backup code \(8 left\)$/);
    assert.equal(await page.getByLabel('Security key').isChecked(), true);
    // No downgrade: while a security key is bound, sign-in does not offer SMS.
    assert.equal(await page.getByLabel('SMS code').count(), 0);
    await snap(page, J, '04-security-key-choice');
    await page.getByRole('button', { name: 'Use security key' }).click();
    await page.getByRole('heading', { level: 1, name: 'Account security' }).waitFor();
  });

  await step(
    'remove the security key, confirmed with the authenticator app (SMS never confirms a change)',
    async () => {
      await page.getByRole('button', { name: 'Manage security keys' }).click();
      await page.getByRole('button', { name: 'Remove Desk YubiKey' }).click();
      const keys = page.getByRole('region', { name: 'Security keys' });
      await keys.getByText(/Remove the security key “Desk YubiKey”\? It will no longer sign you in/).waitFor();
      // SMS is a restricted authenticator: it may sign in, never authorise a factor change.
      assert.equal(await keys.getByLabel('SMS code', { exact: true }).count(), 0);
      await keys.getByLabel('Authenticator code', { exact: true }).check();
      const now = await advanceClock(server(), 31);
      await context.clock.fastForward(31_000);
      await keys.getByLabel('6-digit code from your authenticator app').fill(await totpAt(setup.secret, now));
      await snap(page, J, '06-remove-key-step-up');
      await keys.getByRole('button', { name: 'Confirm and remove key' }).click();
      await page.getByText('Security key “Desk YubiKey” removed.').waitFor();
      await page.getByTestId('security-keys').waitFor({ state: 'detached' });
    },
  );

  await step('sign in with an SMS code, offered once no security key is bound', async () => {
    await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
    await signInWithPassword(page, email, password);
    await page.getByLabel('SMS code').check();
    await advanceClock(server(), 31); // the phone's own code went out less than 30 s ago
    await context.clock.fastForward(31_000);
    await page.getByRole('button', { name: 'Send code by SMS' }).click();
    await page.getByText('Code sent to your phone.').waitFor();
    // One SMS per 30 s: asking again at once is refused, politely.
    await page.getByRole('button', { name: 'Send another SMS' }).click();
    assert.match(
      await text(page.getByRole('alert')),
      /A code was sent a moment ago\. You can ask for another in \d+ seconds/,
    );
    await page.getByLabel('Code from the SMS').fill(await latestSmsCode(server()));
    await snap(page, J, '05-sms-code');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { level: 1, name: 'Account security' }).waitFor();
  });

  await step('remove the phone, confirmed with the authenticator app', async () => {
    await page.getByRole('button', { name: 'Manage sms codes' }).click();
    await page.getByRole('button', { name: 'Remove phone', exact: true }).click();
    const sms = page.getByRole('region', { name: 'SMS codes' });
    await sms.getByText(/Remove this phone\? SMS codes will no longer work/).waitFor();
    // Cancel leaves everything as it was.
    await sms.getByRole('button', { name: 'Cancel' }).click();
    assert.match(await text(page.getByTestId('sms-phone')), /confirmed/);
    await page.getByRole('button', { name: 'Remove phone', exact: true }).click();
    await sms.getByLabel('Authenticator code', { exact: true }).check();
    const now = await advanceClock(server(), 31);
    await context.clock.fastForward(31_000);
    await sms.getByLabel('6-digit code from your authenticator app').fill(await totpAt(setup.secret, now));
    await sms.getByRole('button', { name: 'Confirm and remove phone' }).click();
    await page.getByText('The phone was removed.').waitFor();
    // The notice comes first, then the security state reloads: wait for the row to go.
    await page.getByTestId('sms-phone').waitFor({ state: 'detached' });
    await page.getByLabel('Phone number').waitFor();
  });

  await step('no uncaught errors in the page', async () => {
    assert.deepEqual(errors(), []);
  });
  await context.close();
});
