// Issue 16, item 6: `latchkey seed` writes accounts that sign in like enrolled
// ones (password, then TOTP or one of the usable backup codes), with codes that
// differ from account to account, and only in test mode.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import {
  hasUsableBackupCodes,
  type SeedManifest,
  seedAccounts,
  seededBackupCodes,
  seededDeviceToken,
  seededEmail,
  seededTotpSecret,
} from '../../src/cli/seed.ts';
import { generateTotp } from '../../src/domain/totp.ts';
import { describeOnEachDatabase, type Harness } from '../support/harness.ts';

async function challenge(h: Harness, manifest: SeedManifest, index: number): Promise<string> {
  const login = await h.call('POST', '/v1/sessions', {
    body: { email: seededEmail(manifest, index), password: manifest.password },
  });
  assert.equal(login.body.status, 'second_factor_required', JSON.stringify(login.body));
  return login.body.challenge;
}

describeOnEachDatabase('seed', (h) => {
  test('seeded accounts sign in with TOTP and with their usable backup codes; every code row differs', async () => {
    const settings = () =>
      h.ctx.storage.dialect === 'sqlite'
        ? Promise.all(
            ['journal_mode', 'synchronous'].map(
              async (name) => (await sql.raw(`PRAGMA ${name}`).execute(h.ctx.storage.db)).rows,
            ),
          )
        : Promise.resolve([]);
    const before = await settings();
    const manifest = await seedAccounts(h.ctx, { accounts: 23, usableBackupCodes: 2, batch: 10 });
    // A fresh SQLite file is seeded without a journal's fsyncs; the configured settings come back.
    assert.deepEqual(await settings(), before);
    const key = Buffer.from(manifest.key, 'base64url');
    assert.equal(manifest.stride, 11);
    assert.deepEqual(
      Array.from({ length: 23 }, (_, i) => i).filter((i) => hasUsableBackupCodes(manifest, i)),
      [0, 11],
    );

    for (const index of [0, 7, 22]) {
      const code = generateTotp({ secret: seededTotpSecret(key, index) }, h.clock.now().getTime());
      const reply = await h.call('POST', '/v1/sessions/verify', {
        body: { challenge: await challenge(h, manifest, index), method: 'totp', code },
      });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
    }

    const usable = seededBackupCodes(key, 11)[3] as string;
    const used = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: await challenge(h, manifest, 11), method: 'backup_code', code: usable },
    });
    assert.equal(used.status, 200, JSON.stringify(used.body));
    // Account 7's codes were never hashed: the derived ones do not sign in.
    const unusable = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: await challenge(h, manifest, 7), method: 'backup_code', code: seededBackupCodes(key, 7)[0] },
    });
    assert.equal(unusable.status, 401, JSON.stringify(unusable.body));

    const rows = await h.ctx.storage.db
      .selectFrom('backup_codes')
      .innerJoin('backup_code_sets', 'backup_code_sets.id', 'backup_codes.set_id')
      .innerJoin('accounts', 'accounts.id', 'backup_code_sets.account_id')
      .select('backup_codes.code_hash')
      .where('accounts.email', 'like', `${manifest.emailPrefix}-%`)
      .execute();
    assert.equal(rows.length, 23 * 8);
    assert.equal(new Set(rows.map((r) => r.code_hash)).size, 23 * 8);
  });

  test('each seeded account knows one browser: its derived device cookie signs in as a returning browser', async () => {
    const manifest = await seedAccounts(h.ctx, { accounts: 3, usableBackupCodes: 0 });
    const key = Buffer.from(manifest.key, 'base64url');
    const knownBrowsers = async () =>
      (
        await h.ctx.storage.db
          .selectFrom('known_browsers')
          .innerJoin('accounts', 'accounts.id', 'known_browsers.account_id')
          .select('known_browsers.browser_hash')
          .where('accounts.email', '=', seededEmail(manifest, 1))
          .execute()
      ).length;
    assert.equal(await knownBrowsers(), 1);
    const login = async (cookie?: string) => {
      await h.clock.advance(30);
      const code = generateTotp({ secret: seededTotpSecret(key, 1) }, h.clock.now().getTime());
      const reply = await h.call('POST', '/v1/sessions/verify', {
        body: { challenge: await challenge(h, manifest, 1), method: 'totp', code },
        ...(cookie ? { headers: { cookie } } : {}),
      });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
    };
    await login(`latchkey_device=${seededDeviceToken(key, 1)}`);
    assert.equal(await knownBrowsers(), 1, 'the seeded browser is already known');
    await login();
    assert.equal(await knownBrowsers(), 2, 'a browser without the cookie is a new one');
  });

  test('outside test mode it refuses', async () => {
    const ctx = { ...h.ctx, config: { ...h.ctx.config, testMode: false } };
    await assert.rejects(seedAccounts(ctx, { accounts: 1, usableBackupCodes: 0 }), { code: 'forbidden' });
  });
});
