// Issue 14 #2 and #6 in the browser. Desktop: the save-codes step is guarded
// (closing the tab and the header's links ask first), left anyway it is offered
// again ("Show them again", the same codes, 2FA on behind it), and it closes only
// once a way is done and one code is typed back (a wrong one refused; the right
// one not spent). Phone (390×844, touch): the binding starts with "Open in
// authenticator app" — its href is the otpauth:// URI, and the code oathtool
// computes from the URI's secret binds — and the codes step starts with paper.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { newContext, newPhoneContext, snap, snapTouch, watchErrors } from './support/browser.ts';
import { journey, text } from './support/journey.ts';
import { saveCodes, shownCodes } from './support/save-codes.ts';
import { advanceClock, serverNow } from './support/server.ts';
import { journeySetup } from './support/setup.ts';
import { signUp } from './support/sign-in.ts';
import { totpAt } from './support/totp.ts';

const J = 'save-codes';
const { server, browser } = journeySetup([J, `${J}-phone`]);
const PASSWORD = 'keep the codes on paper 7';

/** A fresh TOTP step on the server's clock and the browser's; returns the server's time. */
async function tick(context: BrowserContext): Promise<number> {
  const now = await advanceClock(server(), 31);
  await context.clock.fastForward(31_000);
  return now;
}

/** Clicks a header link while the step guards itself; `accept` answers the question. */
async function leaveByHeader(page: Page, link: string, accept: boolean): Promise<string> {
  const dialog = page.waitForEvent('dialog');
  const click = page.getByRole('link', { name: link }).click();
  const asked = await dialog;
  const message = asked.message();
  await (accept ? asked.accept() : asked.dismiss());
  await click;
  return message;
}

test('the save-codes step is guarded, shown again, and closes on a code typed back (desktop)', {
  timeout: 240_000,
}, async (t) => {
  const context = await newContext(browser(), server().baseUrl);
  await context.clock.install({ time: (await serverNow(server())) * 1000 });
  const page = await context.newPage();
  const errors = watchErrors(page);
  const step = journey(t, J, () => [page], server().output);
  const email = `grace.${Date.now()}@example.com`;
  let codes: string[] = [];

  await step('bind the authenticator: the codes step opens', async () => {
    await signUp(page, email, PASSWORD);
    await page.getByRole('button', { name: 'Add authenticator app' }).click();
    await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();
    // A desktop shows the QR code first.
    const first = page.locator('ol.steps > li').first();
    await first.getByRole('img', { name: /QR code/ }).waitFor();
    const secret = (await text(page.getByTestId('setup-key'))).replace(/\s+/g, '');
    await page.getByLabel('Enter the 6-digit code the app shows').fill(await totpAt(secret, await tick(context)));
    await page.getByRole('button', { name: 'Confirm and turn on 2FA' }).click();
    await page.getByRole('heading', { name: 'Save your backup codes' }).waitFor();
    codes = await shownCodes(page);
    assert.equal(codes.length, 8);
    // Not a touch device: no "not on this phone" warning first; print comes first.
    assert.equal(await page.getByText(/not on this phone/).count(), 0);
    assert.match(await text(page.locator('.save-ways h4').first()), /^Print them/);
    await snap(page, J, '01-codes-step');
  });

  await step('leaving asks first: the tab (beforeunload) and a header link (dismissed: the step stays)', async () => {
    const guarded = await page.evaluate(() => {
      const event = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    });
    assert.equal(guarded, true, 'closing or reloading the tab asks first');
    const question = await leaveByHeader(page, 'Withdrawals', false);
    assert.match(question, /Your backup codes are not saved yet/);
    assert.match(question, /can show them again/);
    await page.getByRole('heading', { name: 'Save your backup codes' }).waitFor();
    assert.equal(await page.getByRole('heading', { level: 1, name: 'Account security' }).count(), 1);
    assert.deepEqual(await shownCodes(page), codes, 'still the same codes on screen');
  });

  await step('left anyway: the security page says 2FA on and offers the same codes again', async () => {
    await leaveByHeader(page, 'Withdrawals', true);
    await page.getByRole('heading', { level: 1, name: 'Withdrawals' }).waitFor();
    await page.getByRole('link', { name: 'Account security' }).click();
    await page.getByRole('heading', { level: 1, name: 'Account security' }).waitFor();
    const status = await text(page.getByTestId('two-factor-status'));
    assert.match(status, /2FA on/);
    assert.doesNotMatch(status, /off/i);
    assert.match(status, /not saved yet/);
    await snap(page, J, '02-codes-pending');
    await page.getByRole('button', { name: 'Show them again' }).click();
    await page.getByRole('heading', { name: 'Save your backup codes' }).waitFor();
    assert.deepEqual(await shownCodes(page), codes, 'the same codes, shown again');
  });

  await step('Continue needs a way done and a code typed back; a wrong code is refused', async () => {
    const cont = page.getByRole('button', { name: 'Continue' });
    const field = page.getByLabel('Type one of the codes from your copy');
    await field.fill(codes[4] as string);
    assert.equal(await cont.isDisabled(), true, 'no way done yet');
    await page.getByRole('button', { name: 'I wrote them down' }).click();
    await page.getByTestId('way-done').waitFor();
    const wrong = String((Number(codes[0]) + 1) % 1_000_000).padStart(6, '0');
    assert.ok(!codes.includes(wrong));
    await field.fill(wrong);
    await cont.click();
    assert.match(await text(page.getByRole('alert')), /not right/);
    assert.equal(await field.inputValue(), '', 'the wrong code is cleared');
    await snap(page, J, '03-wrong-code-typed-back');
    await field.fill(codes[4] as string);
    await cont.click();
    await page.getByText('Your backup codes are saved.').waitFor();
    // Checked, not spent; and nothing is pending any more.
    assert.match(await text(page.getByTestId('backup-codes-remaining')), /8 of 8 left/);
    assert.equal(await page.getByRole('button', { name: 'Show them again' }).count(), 0);
    assert.doesNotMatch(await text(page.getByTestId('two-factor-status')), /not saved yet/);
    await snap(page, J, '04-codes-saved');
  });

  await step('the header links no longer ask once the codes are saved', async () => {
    let asked = false;
    page.once('dialog', (d) => {
      asked = true;
      void d.dismiss();
    });
    await page.getByRole('link', { name: 'Withdrawals' }).click();
    await page.getByRole('heading', { level: 1, name: 'Withdrawals' }).waitFor();
    assert.equal(asked, false);
  });

  await step('no uncaught errors in the page', async () => {
    assert.deepEqual(errors(), []);
  });
  await context.close();
});

test('on a phone the binding starts with the authenticator app link, and the codes with paper', {
  timeout: 240_000,
}, async (t) => {
  const context = await newPhoneContext(browser(), server().baseUrl);
  await context.clock.install({ time: (await serverNow(server())) * 1000 });
  const page = await context.newPage();
  const errors = watchErrors(page);
  const step = journey(t, `${J}-phone`, () => [page], server().output);
  const email = `hopper.${Date.now()}@example.com`;

  await step('the binding: "Open in authenticator app" first, then the setup key, then the QR code', async () => {
    await signUp(page, email, PASSWORD);
    await page.getByRole('button', { name: 'Add authenticator app' }).click();
    await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();
    const steps = page.locator('ol.steps > li');
    await steps.nth(0).getByRole('link', { name: 'Open in authenticator app' }).waitFor();
    await steps.nth(1).getByTestId('setup-key').waitFor();
    await steps.nth(1).getByRole('button', { name: 'Copy setup key' }).waitFor();
    await steps
      .nth(2)
      .getByRole('img', { name: /QR code/ })
      .waitFor();
    assert.match(await text(steps.nth(2)), /another device/);
    await snapTouch(page, `${J}-phone`, '01-bind-app-link');
  });

  await step('the link is the otpauth:// URI; the code computed from its secret binds', async () => {
    const href = (await page.getByRole('link', { name: 'Open in authenticator app' }).getAttribute('href')) ?? '';
    const uri = new URL(href);
    assert.equal(uri.protocol, 'otpauth:');
    assert.equal(uri.host, 'totp');
    assert.match(decodeURIComponent(uri.pathname), new RegExp(email.replace(/[.+]/g, '\\$&')));
    const secret = uri.searchParams.get('secret') ?? '';
    assert.match(secret, /^[A-Z2-7]{32,}=*$/);
    assert.equal(secret, (await text(page.getByTestId('setup-key'))).replace(/\s+/g, ''), 'the same key as shown');
    await page.getByLabel('Enter the 6-digit code the app shows').fill(await totpAt(secret, await tick(context)));
    await page.getByRole('button', { name: 'Confirm and turn on 2FA' }).click();
    await page.getByRole('heading', { name: 'Save your backup codes' }).waitFor();
  });

  await step('the codes step on a phone: "print or write on paper, not on this phone" first', async () => {
    const card = page.getByRole('region', { name: 'Save your backup codes' });
    const firstNotice = card.getByRole('status').first();
    assert.match(await text(firstNotice), /Print them or write them on paper — not on this phone/);
    assert.match(await text(page.locator('.save-ways h4').first()), /^Write them down/);
    await snapTouch(page, `${J}-phone`, '02-codes-on-phone');
    await saveCodes(page);
    await page.getByText('Two-factor authentication is on.').waitFor();
    assert.match(await text(page.getByTestId('two-factor-status')), /2FA on/);
    await snapTouch(page, `${J}-phone`, '03-two-factor-on');
  });

  await step('no uncaught errors in the page', async () => {
    assert.deepEqual(errors(), []);
  });
  await context.close();
});
