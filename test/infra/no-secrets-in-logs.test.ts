// A full journey with every kind of secret, then a grep of every log line the
// server wrote: no password, code, secret or token may appear (ASVS 5.0
// 16.2.5), while the authentication events must (ASVS 5.0 16.3.1).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { base32Decode, challengeFor, codeFor, PASSWORD, uniqueEmail } from '../support/flows.ts';
import { describeOnEachDatabase, type Reply } from '../support/harness.ts';

describeOnEachDatabase('no secrets in logs', { only: ['sqlite'], env: { LOG_LEVEL: 'trace' } }, (h) => {
  test('a full journey leaves no password, code, secret or token in the logs, and logs the auth events', async () => {
    const secrets = new Map<string, string>();
    const keep = (name: string, value: unknown) => {
      assert.equal(typeof value, 'string', name);
      secrets.set(name, value as string);
    };
    const ok = (reply: Reply, status = 200) => {
      assert.equal(reply.status, status, JSON.stringify(reply.body));
      return reply;
    };
    const email = uniqueEmail('journey');
    keep('password', PASSWORD);
    ok(await h.call('POST', '/v1/accounts', { body: { email, password: PASSWORD } }), 201);
    // A wrong password first.
    const wrongPassword = 'not the right password at all';
    keep('wrong password', wrongPassword);
    ok(await h.call('POST', '/v1/sessions', { body: { email, password: wrongPassword } }), 401);
    const login = ok(await h.call('POST', '/v1/sessions', { body: { email, password: PASSWORD } }));
    keep('first session token', login.body.token);
    const token = login.body.token as string;

    const setup = ok(await h.call('POST', '/v1/me/totp/setup', { token, body: {} }));
    keep('secret', setup.body.secret);
    keep('otpauth uri', setup.body.otpauthUri);
    const secretBytes = base32Decode(setup.body.secret);
    keep('secret hex', secretBytes.toString('hex'));
    keep('secret base64', secretBytes.toString('base64').replace(/=+$/, ''));
    const confirmCode = codeFor(h, setup.body.secret);
    keep('confirm code', confirmCode);
    const confirm = ok(
      await h.call('POST', '/v1/me/totp/confirm', { token, body: { setupId: setup.body.setupId, code: confirmCode } }),
    );
    keep('reveal token', confirm.body.revealToken);
    for (const [i, code] of (confirm.body.backupCodes.codes as string[]).entries()) keep(`backup code ${i}`, code);
    const codes = confirm.body.backupCodes.codes as string[];

    // Export the codes as PDF and as a password-protected ZIP.
    ok(
      await h.call('POST', '/v1/me/backup-codes/export', {
        token,
        body: { revealToken: confirm.body.revealToken, format: 'pdf' },
      }),
    );
    const zipPassword = 'zip password for the journey';
    keep('zip password', zipPassword);
    ok(
      await h.call('POST', '/v1/me/backup-codes/export', {
        token,
        body: { revealToken: confirm.body.revealToken, format: 'zip', password: zipPassword },
      }),
    );
    await h.clock.advance(30);

    // Login with TOTP, after a wrong code.
    const challenge1 = await challengeFor(h, email);
    keep('challenge 1', challenge1);
    const right = codeFor(h, setup.body.secret);
    const wrongCode = ['000000', '111111', '222222'].find((c) => c !== right) as string;
    keep('right totp code', right);
    ok(
      await h.call('POST', '/v1/sessions/verify', { body: { challenge: challenge1, method: 'totp', code: wrongCode } }),
      401,
    );
    const totp = ok(
      await h.call('POST', '/v1/sessions/verify', { body: { challenge: challenge1, method: 'totp', code: right } }),
    );
    keep('totp session token', totp.body.token);
    // A replay of the same code.
    const challenge2 = await challengeFor(h, email);
    keep('challenge 2', challenge2);
    ok(
      await h.call('POST', '/v1/sessions/verify', { body: { challenge: challenge2, method: 'totp', code: right } }),
      401,
    );
    // A clock that is off.
    const behind = codeFor(h, setup.body.secret, -300);
    keep('out-of-sync code', behind);
    ok(
      await h.call('POST', '/v1/sessions/verify', { body: { challenge: challenge2, method: 'totp', code: behind } }),
      401,
    );

    // Login with backup codes, one with spaces, then a wrong one.
    const backup = ok(
      await h.call('POST', '/v1/sessions/verify', {
        body: { challenge: challenge2, method: 'backup_code', code: codes[0] },
      }),
    );
    keep('backup session token', backup.body.token);
    const challenge3 = await challengeFor(h, email);
    keep('challenge 3', challenge3);
    const spaced = `${codes[1]?.slice(0, 3)} ${codes[1]?.slice(3)}`;
    ok(
      await h.call('POST', '/v1/sessions/verify', {
        body: { challenge: challenge3, method: 'backup_code', code: spaced },
      }),
    );
    const challenge4 = await challengeFor(h, email);
    keep('challenge 4', challenge4);
    // A wrong backup code (not the one that just worked: a repeat of a code that
    // worked a moment ago is refused without counting as a failure).
    const wrongBackup = ['000000', '111111', '222222'].find((c) => !codes.includes(c)) ?? '333333';
    ok(
      await h.call('POST', '/v1/sessions/verify', {
        body: { challenge: challenge4, method: 'backup_code', code: wrongBackup },
      }),
      401,
    );

    // A cookie-authenticated call and logout.
    const csrf = (totp.headers['set-cookie'] as string[]).find((c) => c.startsWith('latchkey_csrf='));
    assert.ok(csrf);
    keep('csrf token', csrf.slice('latchkey_csrf='.length, csrf.indexOf(';')));
    ok(await h.call('GET', '/v1/me/security', { headers: { cookie: `latchkey_session=${totp.body.token}` } }));
    ok(await h.call('DELETE', '/v1/sessions/current', { token: backup.body.token }), 204);
    // Junk that ends in an error path.
    ok(
      await h.call('POST', '/v1/me/backup-codes/acknowledge', {
        token: totp.body.token,
        body: { revealToken: 'x'.repeat(43) },
      }),
      410,
    );

    const logs = h.logs.join('');
    assert.ok(h.logs.length > 20, `only ${h.logs.length} log lines`);
    for (const [name, value] of secrets) {
      assert.ok(!logs.includes(value), `the logs contain the ${name}`);
    }
    // Six-digit codes could appear by chance inside ids or times; they must not appear as values.
    for (const code of [...codes, right, wrongCode, behind, confirmCode]) {
      assert.ok(!new RegExp(`"${code}"|[ =:]${code}\\b`).test(logs), `a code appears in the logs: ${code}`);
    }

    // The authentication events are there: who, what factor, what result.
    const entries = h.logs
      .flatMap((line) => line.split('\n'))
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    const auth = entries.filter((e) => e.event === 'auth');
    const seen = auth.map((e) => `${e.result}/${e.factor}`);
    for (const expected of [
      'invalid_credentials/password',
      'password_ok/password',
      'success/password',
      'second_factor_failed/totp',
      'success/totp',
      'success/backup_code',
      'second_factor_failed/backup_code',
    ]) {
      assert.ok(seen.includes(expected), `no auth log entry ${expected}: ${JSON.stringify(seen)}`);
    }
    for (const entry of auth) {
      assert.ok(entry.accountId, JSON.stringify(entry));
      assert.ok(entry.time);
      assert.equal(entry.ip, '127.0.0.1');
    }
  });
});
