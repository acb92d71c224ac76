// Interop with independent tools: Debian's oathtool makes the codes from the
// served setup key, zbarimg decodes the served QR code (rendered to PNG by
// rsvg-convert). Debian packages: oathtool, zbar-tools, librsvg2-bin.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { base32Decode, challengeFor, PASSWORD, signUpAndLogin } from '../support/flows.ts';
import { describeOnEachDatabase, type Harness } from '../support/harness.ts';

/** The code Debian's oathtool shows for `secret` at the server's clock + offset. */
function oathtool(h: Harness, secret: string, offsetSeconds = 0): string {
  const at = Math.floor(h.clock.now().getTime() / 1000) + offsetSeconds;
  return execFileSync('oathtool', ['--totp', '-b', secret, '-N', `@${at}`], { encoding: 'utf8' }).trim();
}

function decodeQr(svg: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-qr-'));
  try {
    fs.writeFileSync(path.join(dir, 'qr.svg'), svg);
    execFileSync('rsvg-convert', [
      '-w',
      '600',
      '-b',
      'white',
      '-o',
      path.join(dir, 'qr.png'),
      path.join(dir, 'qr.svg'),
    ]);
    return execFileSync('zbarimg', ['--raw', '-q', path.join(dir, 'qr.png')], { encoding: 'utf8' }).trim();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Moves the test clock to 1 s into the next 30 s step. */
function alignClock(h: Harness): void {
  const now = h.clock.now().getTime();
  h.clock.set(new Date((Math.floor(now / 30_000) + 1) * 30_000 + 1_000));
}

describeOnEachDatabase('TOTP interop with oathtool and zbarimg', { only: ['sqlite'] }, (h) => {
  test('bind over HTTP with an oathtool code, then log in with oathtool codes', async () => {
    const user = await signUpAndLogin(h);
    alignClock(h);
    const setup = await h.call('POST', '/v1/me/totp/setup', { token: user.token, body: {} });
    assert.equal(setup.status, 200, JSON.stringify(setup.body));
    const { secret, otpauthUri } = setup.body as { secret: string; otpauthUri: string };
    assert.match(secret, /^[A-Z2-7]{32}$/, 'base32 without padding');
    assert.equal(base32Decode(secret).length, 20, '160-bit secret');
    assert.equal(
      otpauthUri,
      `otpauth://totp/Latchkey:${encodeURIComponent(user.email)}?secret=${secret}&issuer=Latchkey&algorithm=SHA1&digits=6&period=30`,
    );

    const confirm = await h.call('POST', '/v1/me/totp/confirm', {
      token: user.token,
      body: { setupId: setup.body.setupId, code: oathtool(h, secret) },
    });
    assert.equal(confirm.status, 200, JSON.stringify(confirm.body));

    for (let login = 0; login < 3; login += 1) {
      await h.clock.advance(30);
      const code = oathtool(h, secret);
      const verify = await h.call('POST', '/v1/sessions/verify', {
        body: { challenge: await challengeFor(h, user.email), method: 'totp', code },
      });
      assert.equal(verify.status, 200, `login ${login}: ${JSON.stringify(verify.body)}`);
      assert.deepEqual(verify.body.warnings, []);
      // The same code again is a replay.
      const replay = await h.call('POST', '/v1/sessions/verify', {
        body: { challenge: await challengeFor(h, user.email), method: 'totp', code },
      });
      assert.equal(replay.status, 401);
      assert.equal(replay.body.code, 'invalid_code');
    }

    // A code typed with a space, as the app shows it.
    await h.clock.advance(30);
    const spaced = oathtool(h, secret).replace(/^(\d{3})/, '$1 ');
    const verify = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: await challengeFor(h, user.email), method: 'totp', code: spaced },
    });
    assert.equal(verify.status, 200, JSON.stringify(verify.body));

    // A phone one step ahead (oathtool at +30 s) is accepted; one step once is
    // typing or network delay, so the drift warning comes when it happens again.
    await h.clock.advance(60);
    const ahead = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: await challengeFor(h, user.email), method: 'totp', code: oathtool(h, secret, 30) },
    });
    assert.equal(ahead.status, 200, JSON.stringify(ahead.body));
    assert.deepEqual(ahead.body.warnings, []);
    await h.clock.advance(60);
    const again = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: await challengeFor(h, user.email), method: 'totp', code: oathtool(h, secret, 30) },
    });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.deepEqual(again.body.warnings, [{ code: 'clock_drift', driftSeconds: 30 }]);
  });

  test('the served QR code decodes (zbarimg) to the same otpauth URI', async () => {
    const user = await signUpAndLogin(h);
    const setup = await h.call('POST', '/v1/me/totp/setup', { token: user.token, body: {} });
    assert.equal(setup.status, 200);
    assert.match(setup.body.qrSvg, /^<svg[\s>]/);
    assert.equal(decodeQr(setup.body.qrSvg), setup.body.otpauthUri);
  });

  test('a setup expires after 15 minutes of the test clock', async () => {
    const early = await signUpAndLogin(h);
    const late = await signUpAndLogin(h);
    alignClock(h);
    const setupEarly = await h.call('POST', '/v1/me/totp/setup', { token: early.token, body: {} });
    const setupLate = await h.call('POST', '/v1/me/totp/setup', { token: late.token, body: {} });
    assert.equal(setupEarly.status, 200);
    assert.equal(Date.parse(setupEarly.body.expiresAt) - h.clock.now().getTime() <= 15 * 60_000, true);

    await h.clock.advance(14 * 60 + 50);
    const inTime = await h.call('POST', '/v1/me/totp/confirm', {
      token: early.token,
      body: { setupId: setupEarly.body.setupId, code: oathtool(h, setupEarly.body.secret) },
    });
    assert.equal(inTime.status, 200, JSON.stringify(inTime.body));

    await h.clock.advance(15);
    const tooLate = await h.call('POST', '/v1/me/totp/confirm', {
      token: late.token,
      body: { setupId: setupLate.body.setupId, code: oathtool(h, setupLate.body.secret) },
    });
    assert.equal(tooLate.status, 410, JSON.stringify(tooLate.body));
    assert.equal(tooLate.body.code, 'setup_expired');
    const me = await h.call('GET', '/v1/me/security', { token: late.token });
    assert.equal(me.body.twoFactor.enabled, false);
  });

  test('a wrong confirm code is 401 and turns nothing on', async () => {
    const user = await signUpAndLogin(h);
    alignClock(h);
    const setup = await h.call('POST', '/v1/me/totp/setup', { token: user.token, body: {} });
    const right = oathtool(h, setup.body.secret);
    const wrong = right === '123456' ? '654321' : '123456';
    const confirm = await h.call('POST', '/v1/me/totp/confirm', {
      token: user.token,
      body: { setupId: setup.body.setupId, code: wrong },
    });
    assert.equal(confirm.status, 401, JSON.stringify(confirm.body));
    assert.equal(confirm.body.code, 'invalid_code');
    const me = await h.call('GET', '/v1/me/security', { token: user.token });
    assert.equal(me.body.twoFactor.enabled, false);
    const login = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
    assert.equal(login.body.status, 'authenticated', 'an unconfirmed setup does not ask for a second factor');
  });

  test('binding sends one email, with no code or secret in it', async () => {
    const user = await signUpAndLogin(h);
    alignClock(h);
    const setup = await h.call('POST', '/v1/me/totp/setup', { token: user.token, body: {} });
    const code = oathtool(h, setup.body.secret);
    const confirm = await h.call('POST', '/v1/me/totp/confirm', {
      token: user.token,
      body: { setupId: setup.body.setupId, code },
    });
    assert.equal(confirm.status, 200);
    const outbox = await h.call('GET', '/v1/test/outbox');
    const mine = outbox.body.messages.filter((m: { to: string }) => m.to === user.email);
    assert.equal(mine.length, 1, JSON.stringify(mine));
    const [message] = mine;
    assert.equal(message.channel, 'email');
    assert.match(message.subject, /authenticator/i);
    const text = `${message.subject}\n${message.body}`;
    const secretBytes = base32Decode(setup.body.secret);
    for (const forbidden of [
      setup.body.secret,
      setup.body.secret.toLowerCase(),
      secretBytes.toString('hex'),
      secretBytes.toString('base64'),
      setup.body.otpauthUri,
      code,
      confirm.body.revealToken,
      ...confirm.body.backupCodes.codes,
    ]) {
      assert.ok(!text.includes(forbidden), `the email contains ${forbidden}`);
    }
    // And the secret is never served again after confirmation.
    const me = await h.call('GET', '/v1/me/security', { token: user.token });
    assert.ok(!me.raw.toString('utf8').includes(setup.body.secret));
  });
});
