// A copy of the database alone yields no secret: the raw SQLite file (and its
// WAL) and a pg_dump of the PostgreSQL schema hold neither the TOTP secret nor
// any backup code. Keys rotate with `latchkey keys rotate`, and logins go on.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { sql } from 'kysely';
import { compose } from '../../src/composition.ts';
import { buildServer } from '../../src/http/server.ts';
import { keyFilePath } from '../../src/infra/keyring.ts';
import { createLogger } from '../../src/infra/logger.ts';
import { sqliteFile } from '../../src/storage/database.ts';
import { POSTGRES_URL } from '../support/databases.ts';
import { base32Decode, challengeFor, codeFor, type Enrolled, enrolledUser, PASSWORD } from '../support/flows.ts';
import { describeOnEachDatabase, type Harness } from '../support/harness.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Every form in which the user's secrets could sit in a dump. */
function needles(user: Enrolled & { linkTokens?: string[] }): Array<[string, Buffer]> {
  const raw = base32Decode(user.secret);
  const list: Array<[string, Buffer]> = [
    ['base32 secret', Buffer.from(user.secret)],
    ['base32 secret, lower case', Buffer.from(user.secret.toLowerCase())],
    ['raw secret bytes', raw],
    ['hex secret', Buffer.from(raw.toString('hex'))],
    ['base64 secret', Buffer.from(raw.toString('base64').replace(/=+$/, ''))],
    ['base64url secret', Buffer.from(raw.toString('base64url'))],
    ['password', Buffer.from(PASSWORD)],
  ];
  for (const code of user.codes) list.push([`backup code ${code}`, Buffer.from(code)]);
  for (const token of user.linkTokens ?? []) list.push([`one-time link token ${token}`, Buffer.from(token)]);
  return list;
}

function assertAbsent(haystack: Buffer, user: Enrolled & { linkTokens?: string[] }, where: string): void {
  for (const [name, needle] of needles(user)) {
    assert.equal(haystack.indexOf(needle), -1, `${where} contains the ${name}`);
  }
}

/**
 * Binds, logs in with TOTP and with a backup code, asks for a password reset:
 * every kind of secret has been written, one-time links (freeze, reset) in the
 * queued emails included.
 */
async function exercise(h: Harness): Promise<Enrolled & { linkTokens: string[] }> {
  const user = await enrolledUser(h);
  const totp = await h.call('POST', '/v1/sessions/verify', {
    body: { challenge: await challengeFor(h, user.email), method: 'totp', code: codeFor(h, user.secret) },
  });
  assert.equal(totp.status, 200);
  const backup = await h.call('POST', '/v1/sessions/verify', {
    body: { challenge: await challengeFor(h, user.email), method: 'backup_code', code: user.codes[0] },
  });
  assert.equal(backup.status, 200, JSON.stringify(backup.body));
  const reset = await h.call('POST', '/v1/password-resets', { body: { email: user.email } });
  assert.equal(reset.status, 202, JSON.stringify(reset.body));
  const outbox = await h.call('GET', '/v1/test/outbox');
  const bodies = outbox.body.messages
    .filter((m: { to: string }) => m.to === user.email)
    .map((m: { body: string }) => m.body)
    .join('\n');
  const linkTokens = [...bodies.matchAll(/#token=([A-Za-z0-9_-]{20,})/g)].map((match) => match[1] as string);
  assert.ok(linkTokens.length >= 2, 'the emails carry freeze and reset links');
  assert.match(bodies, /password-reset#token=/);
  return { ...user, linkTokens };
}

describeOnEachDatabase('secrets at rest', { only: ['sqlite'] }, (h) => {
  test('the raw database file and its WAL hold no secret and no backup code', async () => {
    const user = await exercise(h);
    const file = sqliteFile(h.ctx.config.dataDir);
    const bytes = Buffer.concat([file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
    assert.ok(bytes.length > 0);
    // The test can see a secret when there is one: the account's email is in the file.
    assert.notEqual(bytes.indexOf(Buffer.from(user.email)), -1);
    assertAbsent(bytes, user, 'latchkey.sqlite');
  });

  test('the generated key file has mode 0600; keys rotate (CLI) and logins still work after a restart', async () => {
    const user = await exercise(h);
    const dataDir = h.ctx.config.dataDir;
    const keyFile = keyFilePath(dataDir);
    assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
    assert.equal(fs.statSync(dataDir).mode & 0o077, 0, 'the data folder is private');

    const before = await h.ctx.storage.db
      .selectFrom('totp_bindings')
      .select(['id', 'secret_enc'])
      .where('account_id', '=', user.accountId)
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    assert.match(before.secret_enc, /^v1\./);

    const output = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'keys', 'rotate'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', LATCHKEY_DATA_DIR: dataDir },
      encoding: 'utf8',
    });
    assert.match(output, /current key v2/);
    assert.equal(fs.readFileSync(keyFile, 'utf8').trim().split('\n').length, 2);
    assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);

    const rows = await h.ctx.storage.db
      .selectFrom('totp_bindings')
      .select('secret_enc')
      .where('status', '!=', 'retired')
      .execute();
    assert.ok(rows.length > 0);
    for (const row of rows) assert.match(row.secret_enc, /^v2\./);
    const after = rows.find(() => true)?.secret_enc;
    assert.notEqual(after, before.secret_enc);
    const reveals = await h.ctx.storage.db
      .selectFrom('backup_code_sets')
      .select('reveal_codes_enc')
      .where('reveal_codes_enc', 'is not', null)
      .execute();
    for (const row of reveals) assert.match(String(row.reveal_codes_enc), /^v2\./);

    // The server that was running during the rotation goes on: it learns v2 from the key file.
    await h.clock.advance(30);
    const running = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: await challengeFor(h, user.email), method: 'totp', code: codeFor(h, user.secret) },
    });
    assert.equal(running.status, 200, JSON.stringify(running.body));
    assert.equal(h.ctx.keyring.currentVersion, 'v2');

    // A restarted server (new keyring from the key file) on the same database.
    const logs: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    });
    const built = await compose(h.ctx.config, createLogger('warn', sink), { clock: h.clock, hasher: h.ctx.hasher });
    const app = await buildServer(built.ctx, { runJobs: async () => undefined });
    try {
      assert.deepEqual(built.ctx.keyring.versions, ['v1', 'v2']);
      const call = async (url: string, body: unknown) => {
        const response = await app.inject({ method: 'POST', url, payload: body as object });
        return { status: response.statusCode, body: response.json() };
      };
      await h.clock.advance(30);
      const login = await call('/v1/sessions', { email: user.email, password: PASSWORD });
      assert.equal(login.body.status, 'second_factor_required');
      const totp = await call('/v1/sessions/verify', {
        challenge: login.body.challenge,
        method: 'totp',
        code: codeFor(h, user.secret),
      });
      assert.equal(totp.status, 200, JSON.stringify(totp.body));
      const again = await call('/v1/sessions', { email: user.email, password: PASSWORD });
      const backup = await call('/v1/sessions/verify', {
        challenge: again.body.challenge,
        method: 'backup_code',
        code: user.codes[1],
      });
      assert.equal(backup.status, 200, `backup codes peppered with v1 still work: ${JSON.stringify(backup.body)}`);
      // The pending reveal (re-encrypted under v2) can still be exported.
      const exported = await app.inject({
        method: 'POST',
        url: '/v1/me/backup-codes/export',
        headers: { authorization: `Bearer ${backup.body.token}` },
        payload: { revealToken: user.revealToken, format: 'pdf' },
      });
      assert.equal(exported.statusCode, 200, exported.body.slice(0, 300));
      assert.equal(exported.rawPayload.subarray(0, 5).toString(), '%PDF-');
    } finally {
      await app.close();
      await built.close();
    }
  });
});

describeOnEachDatabase('secrets at rest, pg_dump', { only: ['postgres'] }, (h) => {
  test('pg_dump of the schema holds no secret and no backup code', async () => {
    const user = await exercise(h);
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(h.ctx.storage.db);
    const schema = rows[0]?.schema;
    assert.ok(schema?.startsWith('lk_test_'), schema);
    const url = new URL(POSTGRES_URL);
    const dump = execFileSync(
      'pg_dump',
      [
        '-h',
        url.hostname,
        '-p',
        url.port || '5432',
        '-U',
        decodeURIComponent(url.username) || 'postgres',
        `--schema=${schema}`,
        url.pathname.slice(1) || 'test',
      ],
      { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) } },
    );
    assert.notEqual(dump.indexOf(Buffer.from(user.email)), -1, 'the dump has the data');
    assert.notEqual(dump.indexOf(Buffer.from('totp_bindings')), -1);
    assertAbsent(dump, user, 'pg_dump');
  });
});
