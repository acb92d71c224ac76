// Issue 4 over HTTP, on both databases: eight one-time codes, redeemed exactly
// once, counted down with warnings and emails, exported once (PDF / AES ZIP)
// and never stored in the clear.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { BACKUP_CODE_ZIP_ENTRY } from '../../src/documents/backup-code-zip.ts';
import { runTool } from '../documents/helpers.ts';
import { POSTGRES_URL } from '../support/databases.ts';
import { challengeFor, codeFor, type Enrolled, enrolledUser, PASSWORD } from '../support/flows.ts';
import { describeOnEachDatabase, type Harness, startHarness } from '../support/harness.ts';

const ZIP_PASSWORD = 'a long zip password';

async function backupLogin(h: Harness, email: string, code: string) {
  const challenge = await challengeFor(h, email);
  return h.call('POST', '/v1/sessions/verify', { body: { challenge, method: 'backup_code', code } });
}

/** A 6-digit code that is not one of `codes`. */
function wrongBackupCode(codes: readonly string[]): string {
  for (;;) {
    const candidate = String(crypto.randomInt(1_000_000)).padStart(6, '0');
    if (!codes.includes(candidate)) return candidate;
  }
}

/** A 6-digit code no TOTP step within ±21 steps of now produces, so it is plainly wrong (not out of sync). */
function wrongTotpCode(h: Harness, secret: string): string {
  const near = new Set(Array.from({ length: 43 }, (_, i) => codeFor(h, secret, (i - 21) * 30)));
  for (;;) {
    const candidate = String(crypto.randomInt(1_000_000)).padStart(6, '0');
    if (!near.has(candidate)) return candidate;
  }
}

async function outboxFor(h: Harness, email: string): Promise<Array<{ subject: string; body: string }>> {
  const outbox = await h.call('GET', '/v1/test/outbox');
  assert.equal(outbox.status, 200);
  return outbox.body.messages.filter((m: { to: string }) => m.to === email);
}

async function revealCiphertext(h: Harness, setId: string): Promise<string | null> {
  const row = await h.ctx.storage.db
    .selectFrom('backup_code_sets')
    .select('reveal_codes_enc')
    .where('id', '=', setId)
    .executeTakeFirstOrThrow();
  return row.reveal_codes_enc;
}

function withTempDir<T>(run: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-export-'));
  try {
    return run(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Everything the database wrote to disk (SQLite) or a pg_dump of the schema (PostgreSQL). */
async function databaseBytes(h: Harness): Promise<string> {
  if (h.dialect === 'sqlite') {
    // WAL mode: committed rows may still sit in latchkey.sqlite-wal.
    const dir = h.ctx.config.dataDir;
    const files = fs.readdirSync(dir).filter((name) => name.startsWith('latchkey.sqlite'));
    assert.ok(files.includes('latchkey.sqlite'), files.join(','));
    return files.map((name) => fs.readFileSync(path.join(dir, name)).toString('latin1')).join('\n');
  }
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(h.ctx.storage.db);
  const schema = rows[0]?.schema;
  assert.ok(schema?.startsWith('lk_test_'), String(schema));
  const dump = runTool('pg_dump', ['--dbname', POSTGRES_URL, `--schema=${schema}`]);
  assert.equal(dump.status, 0, dump.stderr);
  return dump.stdout;
}

describeOnEachDatabase('backup codes', (h, dialect) => {
  test('confirming a binding shows exactly 8 distinct 6-digit codes, once', async () => {
    const user = await enrolledUser(h);
    assert.equal(user.codes.length, 8);
    assert.equal(new Set(user.codes).size, 8);
    for (const code of user.codes) assert.match(code, /^\d{6}$/);
    const me = await h.call('GET', '/v1/me/security', { token: user.token });
    assert.deepEqual(
      { ...me.body.twoFactor.backupCodes, issuedAt: undefined },
      { total: 8, remaining: 8, setId: user.setId, issuedAt: undefined },
    );
    // Stored one row per code, none of them the code itself.
    const rows = await h.ctx.storage.db
      .selectFrom('backup_codes')
      .select(['code_hash', 'position'])
      .where('set_id', '=', user.setId)
      .execute();
    assert.equal(rows.length, 8);
    assert.equal(new Set(rows.map((r) => r.code_hash)).size, 8);
    for (const row of rows) assert.doesNotMatch(row.code_hash, /^\d{6}$/);
  });

  test('logging in with each code in turn counts 8 → 0 with the warnings, one email each', async () => {
    const user = await enrolledUser(h);
    const formats = [
      (c: string) => c,
      (c: string) => `${c.slice(0, 3)} ${c.slice(3)}`,
      (c: string) => `${c.slice(0, 3)}-${c.slice(3)}`,
      (c: string) => ` ${c.slice(0, 2)} ${c.slice(2, 4)}-${c.slice(4)} `,
    ];
    for (const [index, code] of user.codes.entries()) {
      const format = formats[index % formats.length] as (c: string) => string;
      const login = await backupLogin(h, user.email, format(code));
      assert.equal(login.status, 200, `code ${index + 1}: ${JSON.stringify(login.body)}`);
      assert.equal(login.body.status, 'authenticated');
      const remaining = 7 - index;
      assert.equal(login.body.backupCodesRemaining, remaining);
      const expected =
        remaining === 0
          ? [{ code: 'backup_codes_exhausted' }]
          : remaining <= 3
            ? [{ code: 'backup_codes_low', remaining }]
            : [];
      assert.deepEqual(login.body.warnings, expected, `after code ${index + 1}`);
      const me = await h.call('GET', '/v1/me/security', { token: login.body.token });
      assert.equal(me.body.twoFactor.backupCodes.remaining, remaining);
    }

    const emails = (await outboxFor(h, user.email)).filter((m) => m.subject === 'A backup code was used');
    assert.equal(emails.length, 8);
    for (const [index, email] of emails.entries()) {
      const remaining = 7 - index;
      assert.match(email.body, new RegExp(`\\b${remaining} backup codes? remains?\\b`));
      for (const code of user.codes) assert.ok(!email.body.includes(code), `email ${index + 1} carries a code`);
    }

    // Every code is dead now.
    const reuse = await backupLogin(h, user.email, user.codes[0] as string);
    assert.equal(reuse.status, 401);
    assert.equal(reuse.body.code, 'invalid_code');
  });

  test('a used code is dead; the others still work', async () => {
    const user = await enrolledUser(h);
    const [first, second] = user.codes as [string, string];
    assert.equal((await backupLogin(h, user.email, first)).status, 200);
    const again = await backupLogin(h, user.email, `${first.slice(0, 3)}-${first.slice(3)}`);
    assert.equal(again.status, 401);
    assert.equal(again.body.code, 'invalid_code');
    assert.equal(again.body.backupCodesRemaining, undefined);
    const next = await backupLogin(h, user.email, second);
    assert.equal(next.status, 200, JSON.stringify(next.body));
    assert.equal(next.body.backupCodesRemaining, 6);
  });

  test('one code raced from 20 concurrent logins logs in exactly once', async () => {
    const user = await enrolledUser(h);
    const challenges: string[] = [];
    for (let i = 0; i < 20; i++) challenges.push(await challengeFor(h, user.email));
    const code = user.codes[3] as string;
    const results = await Promise.all(
      challenges.map((challenge) =>
        h.call('POST', '/v1/sessions/verify', { body: { challenge, method: 'backup_code', code } }),
      ),
    );
    const statuses = results.map((r) => r.status);
    const winners = results.filter((r) => r.status === 200);
    assert.equal(winners.length, 1, JSON.stringify(statuses));
    assert.equal(winners[0]?.body.backupCodesRemaining, 7);
    for (const loser of results.filter((r) => r.status !== 200)) {
      assert.equal(loser.status, 401, JSON.stringify(loser.body));
      assert.equal(loser.body.token, undefined);
    }
    const me = await h.call('GET', '/v1/me/security', { token: user.token });
    assert.equal(me.body.twoFactor.backupCodes.remaining, 7);
    const used = (await outboxFor(h, user.email)).filter((m) => m.subject === 'A backup code was used');
    assert.equal(used.length, 1);
  });

  test('wrong backup codes draw on the same attempt budget as wrong TOTP codes', async () => {
    const user = await enrolledUser(h);
    // 5 wrong TOTP codes kill the first challenge ...
    const first = await challengeFor(h, user.email);
    for (let i = 0; i < 5; i++) {
      const r = await h.call('POST', '/v1/sessions/verify', {
        body: { challenge: first, method: 'totp', code: wrongTotpCode(h, user.secret) },
      });
      assert.equal(r.status, 401, JSON.stringify(r.body));
      assert.equal(r.body.code, 'invalid_code');
    }
    // ... 4 wrong backup codes on a second: 9 failures, still open.
    const second = await challengeFor(h, user.email);
    const tried: string[] = [];
    const wrong = () => {
      const code = wrongBackupCode([...user.codes, ...tried]);
      tried.push(code);
      return code;
    };
    for (let i = 0; i < 4; i++) {
      const r = await h.call('POST', '/v1/sessions/verify', {
        body: { challenge: second, method: 'backup_code', code: wrong() },
      });
      assert.equal(r.status, 401, JSON.stringify(r.body));
    }
    const third = await challengeFor(h, user.email);
    // The 10th failure, a backup code, locks the second factor for every method.
    const tenth = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: second, method: 'backup_code', code: wrong() },
    });
    assert.equal(tenth.status, 401);
    const right = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: third, method: 'totp', code: codeFor(h, user.secret) },
    });
    assert.equal(right.status, 429, JSON.stringify(right.body));
    assert.equal(right.body.code, 'rate_limited');
    assert.ok(Number(right.headers['retry-after']) > 0);
    const rightBackup = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: third, method: 'backup_code', code: user.codes[0] },
    });
    assert.equal(rightBackup.status, 429);
    // The refused correct code was not spent.
    const me = await h.call('GET', '/v1/me/security', { token: user.token });
    assert.equal(me.body.twoFactor.backupCodes.remaining, 8);
  });

  test('when the codes run out the set stays, nothing replenishes it, and login offers TOTP only', async () => {
    const user = await enrolledUser(h);
    for (const code of user.codes) assert.equal((await backupLogin(h, user.email, code)).status, 200);
    const login = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
    assert.equal(login.body.status, 'second_factor_required');
    assert.deepEqual(login.body.methods, ['totp']);
    // A day later, after the periodic jobs ran, still nothing new.
    const advanced = await h.call('POST', '/v1/test/clock', { body: { advanceSeconds: 86_400 } });
    assert.equal(advanced.status, 200);
    // The authenticator still logs in.
    const totp = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: await challengeFor(h, user.email), method: 'totp', code: codeFor(h, user.secret) },
    });
    assert.equal(totp.status, 200, JSON.stringify(totp.body));
    const me = await h.call('GET', '/v1/me/security', { token: totp.body.token });
    assert.deepEqual(
      { ...me.body.twoFactor.backupCodes, issuedAt: undefined },
      { total: 8, remaining: 0, setId: user.setId, issuedAt: undefined },
    );
    const sets = await h.ctx.storage.db
      .selectFrom('backup_code_sets')
      .select('id')
      .where('account_id', '=', user.accountId)
      .execute();
    assert.equal(sets.length, 1);
    // Offering a spent code is still just a wrong code.
    const spent = await backupLogin(h, user.email, user.codes[5] as string);
    assert.equal(spent.status, 401);
  });

  test('unused codes are still valid a year later', async () => {
    const user = await enrolledUser(h);
    h.clock.advance(366 * 86_400);
    const login = await backupLogin(h, user.email, user.codes[7] as string);
    assert.equal(login.status, 200, JSON.stringify(login.body));
    assert.equal(login.body.backupCodesRemaining, 7);
  });

  describe('export during the reveal window', () => {
    let user: Enrolled;
    before(async () => {
      user = await enrolledUser(h);
    });

    test('the PDF sheet carries all 8 codes and the set id', async () => {
      const pdf = await h.call('POST', '/v1/me/backup-codes/export', {
        token: user.token,
        body: { revealToken: user.revealToken, format: 'pdf' },
      });
      assert.equal(pdf.status, 200, pdf.raw.toString('utf8').slice(0, 300));
      assert.equal(pdf.headers['content-type'], 'application/pdf');
      assert.equal(pdf.raw.subarray(0, 5).toString('latin1'), '%PDF-');
      const text = withTempDir((dir) => {
        const file = path.join(dir, 'sheet.pdf');
        fs.writeFileSync(file, pdf.raw);
        const result = runTool('pdftotext', [file, '-']);
        assert.equal(result.status, 0, result.stderr);
        return result.stdout;
      });
      for (const code of user.codes) assert.ok(text.includes(code), `code ${code} missing from the PDF`);
      assert.ok(text.replace(/\s+/g, '').includes(user.setId), 'set id missing from the PDF');
      assert.ok(text.includes(user.email));
    });

    test('the ZIP is AES-256: the right password opens it, a wrong one does not', async () => {
      const zip = await h.call('POST', '/v1/me/backup-codes/export', {
        token: user.token,
        body: { revealToken: user.revealToken, format: 'zip', password: ZIP_PASSWORD },
      });
      assert.equal(zip.status, 200, zip.raw.toString('utf8').slice(0, 300));
      assert.equal(zip.headers['content-type'], 'application/zip');
      withTempDir((dir) => {
        const file = path.join(dir, 'codes.zip');
        fs.writeFileSync(file, zip.raw);
        const listing = runTool('7z', ['l', '-slt', file]);
        assert.equal(listing.status, 0, listing.stderr);
        assert.match(listing.stdout, /^Method = AES-256\b/m);
        assert.match(listing.stdout, /^Encrypted = \+$/m);
        const out = path.join(dir, 'out');
        const opened = runTool('7z', ['x', `-p${ZIP_PASSWORD}`, `-o${out}`, '-y', file]);
        assert.equal(opened.status, 0, opened.stdout + opened.stderr);
        const text = fs.readFileSync(path.join(out, BACKUP_CODE_ZIP_ENTRY), 'utf8');
        for (const code of user.codes) assert.ok(text.includes(code), `code ${code} missing from the ZIP`);
        assert.ok(text.includes(user.setId));
        const refused = runTool('7z', ['t', `-p${ZIP_PASSWORD}!`, file]);
        assert.notEqual(refused.status, 0);
        assert.match(refused.stdout + refused.stderr, /Wrong password/i);
      });
      for (const code of user.codes) assert.ok(!zip.raw.includes(code), 'a code in the clear in the ZIP bytes');
    });

    test('a ZIP password under 12 characters is refused', async () => {
      const short = await h.call('POST', '/v1/me/backup-codes/export', {
        token: user.token,
        body: { revealToken: user.revealToken, format: 'zip', password: 'elevenchars' },
      });
      assert.equal(short.status, 400, JSON.stringify(short.body));
      assert.equal(short.body.code, 'invalid_request');
      const missing = await h.call('POST', '/v1/me/backup-codes/export', {
        token: user.token,
        body: { revealToken: user.revealToken, format: 'zip' },
      });
      assert.equal(missing.status, 400);
    });

    test('another account cannot use the reveal token', async () => {
      const other = await enrolledUser(h);
      const stolen = await h.call('POST', '/v1/me/backup-codes/export', {
        token: other.token,
        body: { revealToken: user.revealToken, format: 'pdf' },
      });
      assert.equal(stolen.status, 410);
      assert.equal(stolen.body.code, 'reveal_closed');
    });

    test('acknowledging closes the window for good', async () => {
      assert.notEqual(await revealCiphertext(h, user.setId), null);
      const ack = await h.call('POST', '/v1/me/backup-codes/acknowledge', {
        token: user.token,
        body: { revealToken: user.revealToken },
      });
      assert.equal(ack.status, 204);
      assert.equal(await revealCiphertext(h, user.setId), null);
      const pdf = await h.call('POST', '/v1/me/backup-codes/export', {
        token: user.token,
        body: { revealToken: user.revealToken, format: 'pdf' },
      });
      assert.equal(pdf.status, 410);
      assert.equal(pdf.body.code, 'reveal_closed');
      // The codes themselves still work.
      assert.equal((await backupLogin(h, user.email, user.codes[0] as string)).status, 200);
    });
  });

  test('without acknowledgement the window closes after 15 minutes and the purge destroys the copy', async () => {
    const user = await enrolledUser(h); // the clock moved 30 s past the confirmation
    h.clock.advance(15 * 60 - 31);
    const late = await h.call('POST', '/v1/me/backup-codes/export', {
      token: user.token,
      body: { revealToken: user.revealToken, format: 'pdf' },
    });
    assert.equal(late.status, 200, 'still open one second before 15 minutes');
    assert.notEqual(await revealCiphertext(h, user.setId), null);
    const moved = await h.call('POST', '/v1/test/clock', { body: { advanceSeconds: 2 } });
    assert.equal(moved.status, 200);
    assert.equal(await revealCiphertext(h, user.setId), null, 'the purge job left the encrypted copy');
    const closed = await h.call('POST', '/v1/me/backup-codes/export', {
      token: user.token,
      body: { revealToken: user.revealToken, format: 'zip', password: ZIP_PASSWORD },
    });
    assert.equal(closed.status, 410);
    assert.equal(closed.body.code, 'reveal_closed');
  });

  test('the stored database holds no code in the clear', async () => {
    // A fresh database holding one user: a used code, unused codes and an open reveal copy.
    const own = await startHarness(dialect);
    try {
      const user = await enrolledUser(own);
      assert.equal((await backupLogin(own, user.email, user.codes[0] as string)).status, 200);
      const bytes = await databaseBytes(own);
      assert.ok(bytes.includes(user.setId), 'the set id is missing: not the right database');
      assert.ok(bytes.includes(user.email), 'the email is missing: not the right database');
      for (const code of user.codes) assert.ok(!bytes.includes(code), `code ${code} in the clear`);
    } finally {
      await own.close();
    }
  });
});
