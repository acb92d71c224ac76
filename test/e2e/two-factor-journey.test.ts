// Issue 7, journey 1: sign up → bind (code computed from the setup key shown
// on the page) → save codes (PDF + ZIP that 7z opens with the password) →
// sign out → backup-code login (warning) → clock-off message → reset →
// lock countdown → withdrawal refused. Real server, real Chromium.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import type { BrowserContext, Page } from 'playwright-core';
import { artifactsDir, newContext, snap, watchErrors } from './support/browser.ts';
import { journey, text } from './support/journey.ts';
import { shownCodes } from './support/save-codes.ts';
import { advanceClock, serverNow } from './support/server.ts';
import { journeySetup } from './support/setup.ts';
import { signInWithPassword, signUp } from './support/sign-in.ts';
import { totpAt } from './support/totp.ts';

const execFileAsync = promisify(execFile);
const J = 'two-factor';
// Not the default 24 hours: the page must say the operator's lock length, never a literal.
const LOCK_HOURS = 30;
const { server, browser } = journeySetup(J, { LATCHKEY_WITHDRAWAL_LOCK_HOURS: String(LOCK_HOURS) });

/** Moves the server's clock on (so each TOTP code falls in a fresh 30 s step)
 * and the browser's with it; returns the server's new time in seconds. */
async function tick(context: BrowserContext, seconds = 31): Promise<number> {
  const now = await advanceClock(server(), seconds);
  await context.clock.fastForward(seconds * 1000);
  return now;
}

async function signOut(page: Page) {
  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
}

test('two-factor journey in the browser', { timeout: 300_000 }, async (t) => {
  const context = await newContext(browser(), server().baseUrl);
  // The browser's clock follows the server's test clock, so countdowns agree.
  await context.clock.install({ time: (await serverNow(server())) * 1000 });
  const page = await context.newPage();
  const pageErrors = watchErrors(page);
  const step = journey(t, J, () => [page], server().output);

  const email = `ada.${Date.now()}@example.com`;
  const password = 'correct horse battery staple 42';
  let secret = '';
  let codes: string[] = [];

  await step('sign up', async () => {
    await signUp(page, email, password);
    assert.match(await text(page.getByTestId('two-factor-status')), /2FA off/);
    await snap(page, J, '01-signed-up');
  });

  await step('bind the authenticator with a code computed from the setup key on the page', async () => {
    await page.getByRole('button', { name: 'Add authenticator app' }).click();
    await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();
    secret = (await text(page.getByTestId('setup-key'))).replace(/\s+/g, '');
    assert.match(secret, /^[A-Z2-7]{32,}=*$/, 'a base32 setup key of at least 160 bits');
    const qr = page.getByRole('img', { name: /QR code/ });
    await qr.waitFor();
    assert.ok(
      await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0),
      'the QR code renders',
    );
    await page.getByText(/Back it up/).waitFor();
    await snap(page, J, '02-bind-authenticator');

    const code = await totpAt(secret, await tick(context));
    await page.getByLabel('Enter the 6-digit code the app shows').fill(code);
    await page.getByRole('button', { name: 'Confirm and turn on 2FA' }).click();
    await page.getByRole('heading', { name: 'Save your backup codes' }).waitFor();
  });

  await step(
    'save-codes step: 8 codes, PDF and encrypted ZIP tick themselves, a code typed back gates Continue',
    async () => {
      codes = await shownCodes(page);
      assert.equal(codes.length, 8);
      for (const c of codes) assert.match(c, /^\d{6}$/);
      const cont = page.getByRole('button', { name: 'Continue' });
      assert.equal(await cont.isDisabled(), true, 'Continue is disabled until a way is done and a code typed back');

      const dir = join(artifactsDir, J, 'downloads');
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });

      const [pdf] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download printable PDF' }).click(),
      ]);
      assert.equal(pdf.suggestedFilename(), 'latchkey-backup-codes.pdf');
      const pdfPath = join(dir, 'latchkey-backup-codes.pdf');
      await pdf.saveAs(pdfPath);
      assert.equal((await readFile(pdfPath)).subarray(0, 5).toString('latin1'), '%PDF-');
      await page.getByTestId('way-done').first().waitFor();

      const zipButton = page.getByRole('button', { name: 'Download encrypted ZIP' });
      const zipPassword = 'tangerine otter 1997';
      const zipField = page.getByLabel('Password for the ZIP file');
      // Labelled as the ZIP's own password, beside its button.
      assert.match(await text(page.locator('.zip')), /not your account password/);
      await zipField.fill('too short');
      assert.equal(await zipButton.isDisabled(), true, 'a ZIP password under 12 characters is refused');
      await zipField.fill(zipPassword);
      const [zip] = await Promise.all([page.waitForEvent('download'), zipButton.click()]);
      assert.equal(zip.suggestedFilename(), 'latchkey-backup-codes.zip');
      const zipPath = join(dir, 'latchkey-backup-codes.zip');
      await zip.saveAs(zipPath);
      await page.getByTestId('way-done').nth(1).waitFor();

      await assert.rejects(
        execFileAsync('7z', ['t', '-pwrong-password-123', zipPath]),
        'the ZIP does not open with a wrong password',
      );
      const out = join(dir, 'unzipped');
      await execFileAsync('7z', ['x', `-p${zipPassword}`, `-o${out}`, '-y', zipPath]);
      const { stdout: listing } = await execFileAsync('7z', ['l', '-slt', `-p${zipPassword}`, zipPath]);
      assert.match(listing, /Method = AES-256/, 'entries are AES-256 encrypted');
      let unzippedText = '';
      for (const f of await readdir(out)) unzippedText += (await readFile(join(out, f))).toString('utf8');
      for (const c of codes) assert.ok(unzippedText.replace(/[\s-]/g, '').includes(c), `code ${c} is in the ZIP`);

      await snap(page, J, '03-save-codes');
      assert.equal(await cont.isDisabled(), true, 'still disabled: no code typed back yet');
      await page.getByLabel('Type one of the codes from your copy').fill(codes[2] as string);
      assert.equal(await cont.isEnabled(), true);
      await cont.click();
      await page.getByText('Two-factor authentication is on.').waitFor();
      assert.match(await text(page.getByTestId('two-factor-status')), /2FA on/);
      assert.match(await text(page.getByTestId('backup-codes-remaining')), /8 of 8 left/);
      await snap(page, J, '04-two-factor-on');
    },
  );

  await step('sign out, then sign in with the keyboard only and a backup code: warning shown', async () => {
    await signOut(page);
    // Focus starts on the heading; Tab walks email → password → the button.
    await page.keyboard.press('Tab');
    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Security verification' }).waitFor();
    await page.getByLabel('Use backup code').check();
    await page.getByLabel('Backup code', { exact: true }).fill(codes[0] as string);
    await snap(page, J, '05-backup-code-login');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Account security' }).waitFor();
    await page.getByText(/You signed in with a backup code/).waitFor();
    await page.getByText(/You have 7 backup codes left\. To get a fresh set of 8 at any time, reset 2FA/).waitFor();
    await page.getByRole('button', { name: 'Go to Reset 2FA' }).click();
    // The shortcut opens the reset form and lands in it.
    await page.waitForFunction(() => document.activeElement?.id === 'reset-password');
    assert.match(await text(page.getByTestId('backup-codes-remaining')), /7 of 8 left/);
    await snap(page, J, '06-backup-code-warning');
  });

  await step('a code from a phone 5 minutes behind is refused with the clock message', async () => {
    await signOut(page);
    await signInWithPassword(page, email, password);
    const now = await tick(context);
    await page.getByLabel('6-digit code from your authenticator app').fill(await totpAt(secret, now - 300));
    await page.getByRole('button', { name: 'Verify' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const message = await text(alert);
    assert.match(message, /phone's clock is about 5 minutes behind/);
    assert.match(message, /set date and time to automatic/);
    await snap(page, J, '07-clock-out-of-sync');

    await page.getByLabel('6-digit code from your authenticator app').fill(await totpAt(secret, now));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { level: 1, name: 'Account security' }).waitFor();
  });

  await step('reset 2FA: password + code → new binding → new codes → lock countdown', async () => {
    // Reset sits behind its danger button; the form opens with its warning.
    assert.equal(await page.locator('#reset-warning').count(), 0);
    await page.getByRole('button', { name: 'Reset 2FA…' }).click();
    // The warning names the operator's lock length, not a literal.
    assert.match(
      await text(page.locator('#reset-warning')),
      new RegExp(`Withdrawals are locked for ${LOCK_HOURS} hours`),
    );
    const resetForm = page.getByRole('region', { name: 'Reset two-factor authentication' });
    await resetForm.getByLabel('Your password').fill(password);
    await resetForm
      .getByLabel('6-digit code from your authenticator app')
      .fill(await totpAt(secret, await tick(context)));
    await page.getByRole('button', { name: 'Reset 2FA', exact: true }).click();
    await page.getByRole('heading', { name: 'Bind your new authenticator' }).waitFor();
    const newSecret = (await text(page.getByTestId('setup-key'))).replace(/\s+/g, '');
    assert.notEqual(newSecret, secret, 'the reset issues a new secret');
    secret = newSecret;
    await snap(page, J, '08-reset-new-binding');
    await page.getByLabel('Enter the 6-digit code the app shows').fill(await totpAt(secret, await tick(context)));
    await page.getByRole('button', { name: 'Confirm and turn on 2FA' }).click();
    await page.getByRole('heading', { name: 'Save your backup codes' }).waitFor();
    const fresh = await shownCodes(page);
    assert.equal(fresh.length, 8);
    assert.notDeepEqual(fresh, codes, 'a new set of codes');
    codes = fresh;
    // Keyboard only: Tab to "I wrote them down", Space; Tab to the code field, type one back, Enter.
    const tabTo = async (found: () => boolean) => {
      for (let i = 0; i < 20; i++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate(found)) return;
      }
      throw new Error('not reached with Tab');
    };
    await tabTo(() => document.activeElement?.textContent === 'I wrote them down');
    await page.keyboard.press('Space');
    await page.getByTestId('way-done').waitFor();
    await tabTo(() => (document.activeElement as HTMLInputElement | null)?.name === 'check-code');
    await page.keyboard.type(codes[0] as string);
    await page.keyboard.press('Enter');
    await page.getByText(/Your new authenticator is bound/).waitFor();

    const lock = page.getByTestId('withdrawal-lock');
    await lock.getByText('Withdrawals are locked').waitFor();
    const countdown = lock.getByTestId('countdown');
    const first = await text(countdown);
    const [h, m] = first.split(':').map(Number) as [number, number];
    assert.ok(h === LOCK_HOURS - 1 || (h === LOCK_HOURS && m === 0), `about ${LOCK_HOURS} hours left, got ${first}`);
    await page.waitForTimeout(2100);
    assert.notEqual(await text(countdown), first, 'the countdown is live');
    await snap(page, J, '09-lock-countdown');
  });

  await step('during the lock the withdrawal form is replaced by the lock card', async () => {
    await page.getByRole('link', { name: 'Withdrawals' }).click();
    await page.getByRole('heading', { level: 1, name: 'Withdrawals' }).waitFor();
    const card = page.getByRole('region', { name: 'New withdrawal' });
    await card.getByTestId('withdrawal-lock').getByTestId('countdown').waitFor();
    assert.match(await text(card), /The withdrawal form comes back when the lock ends/);
    assert.equal(
      await page.getByRole('button', { name: 'Withdraw' }).count(),
      0,
      'nothing to fill in that would be refused',
    );
    assert.equal(await page.getByLabel('Amount').count(), 0);
    await snap(page, J, '10-withdrawal-locked');
  });

  await step('no uncaught errors in the page', async () => {
    assert.deepEqual(pageErrors(), []);
  });

  await context.close();
});
