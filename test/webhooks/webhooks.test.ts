// Issue 13, signed security events, on both databases: a local receiver
// verifies every delivery with the standardwebhooks library; a failing
// receiver gets the events later, in order; replay re-delivers; payloads carry
// no code, secret or token; a hanging receiver never blocks a login.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { after, before, describe, test } from 'node:test';
import { rotateKeys } from '../../src/cli/keys-rotate.ts';
import { deliverWebhooks } from '../../src/webhooks/deliver.ts';
import {
  addWebhook,
  listWebhooks,
  removeWebhook,
  replayWebhooks,
  webhookSecretAad,
} from '../../src/webhooks/endpoints.ts';
import { announceLockEnds } from '../../src/webhooks/lock-ends.ts';
import { DEAD_LETTER_AFTER_HOURS, FIRST_RETRY_SECONDS } from '../../src/webhooks/retry-policy.ts';
import { challengeFor, codeFor, enrolledUser, PASSWORD } from '../support/flows.ts';
import { describeOnEachDatabase, type Harness, startHarness } from '../support/harness.ts';
import { Receiver } from '../support/webhook-receiver.ts';

async function backupLogin(h: Harness, email: string, code: string) {
  const challenge = await challengeFor(h, email);
  return h.call('POST', '/v1/sessions/verify', { body: { challenge, method: 'backup_code', code } });
}

describeOnEachDatabase('signed webhooks', (h) => {
  const receiver = new Receiver();
  let url: string;

  before(async () => {
    url = await receiver.start();
    receiver.secret = (await addWebhook(h.ctx, { url })).secret;
  });
  after(async () => receiver.stop());

  test('every delivery verifies, in order, and no payload carries a code, secret or token', async () => {
    const user = await enrolledUser(h);
    const used = user.codes.slice(0, 5);
    for (const code of used) assert.equal((await backupLogin(h, user.email, code)).status, 200);
    assert.deepEqual(await deliverWebhooks(h.ctx), { delivered: 8, failed: 0 });

    assert.deepEqual(receiver.rejected, []);
    assert.deepEqual(receiver.typesFor(user.accountId), [
      'account.created',
      'two_factor.enabled',
      'backup_code.used',
      'backup_code.used',
      'backup_code.used',
      'backup_code.used',
      'backup_code.used',
      'backup_codes.low',
    ]);
    const mine = receiver.received.filter((r) => r.accountId === user.accountId);
    const webhookSecret = (await h.ctx.storage.db.selectFrom('webhook_endpoints').select('secret_enc').execute())[0];
    const forbidden = [...user.codes, user.secret, user.token, user.revealToken, PASSWORD, receiver.secret];
    for (const delivery of mine) {
      for (const value of forbidden) assert.ok(!delivery.raw.includes(value), `${delivery.type} carries a secret`);
      assert.ok(!delivery.raw.includes(String(webhookSecret?.secret_enc)));
    }
    assert.equal(JSON.parse(mine.at(-1)?.raw ?? '{}').data.remaining, 3);
    // Delivered once: a second pass sends nothing.
    assert.deepEqual(await deliverWebhooks(h.ctx), { delivered: 0, failed: 0 });
  });

  test('a receiver failing three times gets the events later, in order', async () => {
    receiver.failNext = 3;
    const user = await enrolledUser(h);
    const before = receiver.received.length;
    // Two events are queued for the account; the first fails, the second must wait behind it.
    assert.deepEqual(await deliverWebhooks(h.ctx), { delivered: 0, failed: 1 });
    assert.deepEqual(await deliverWebhooks(h.ctx), { delivered: 0, failed: 0 }, 'not due yet');
    h.clock.advance(FIRST_RETRY_SECONDS);
    assert.deepEqual(await deliverWebhooks(h.ctx), { delivered: 0, failed: 1 });
    h.clock.advance(FIRST_RETRY_SECONDS);
    assert.deepEqual(await deliverWebhooks(h.ctx), { delivered: 0, failed: 0 }, 'back-off doubled');
    h.clock.advance(FIRST_RETRY_SECONDS);
    assert.deepEqual(await deliverWebhooks(h.ctx), { delivered: 0, failed: 1 });
    assert.equal(receiver.received.length, before);
    h.clock.advance(4 * FIRST_RETRY_SECONDS);
    assert.deepEqual(await deliverWebhooks(h.ctx), { delivered: 2, failed: 0 });
    assert.deepEqual(receiver.rejected, []);
    assert.deepEqual(receiver.typesFor(user.accountId), ['account.created', 'two_factor.enabled']);
  });

  test('replay delivers the same messages again, in their order', async () => {
    const user = await enrolledUser(h);
    await deliverWebhooks(h.ctx);
    const first = receiver.received.filter((r) => r.accountId === user.accountId).map((r) => r.id);
    assert.equal(first.length, 2);
    const since = (await h.ctx.storage.db.selectFrom('webhook_events').select('created_at').orderBy('id').execute())
      .map((e) => e.created_at)
      .at(-2) as string;
    assert.deepEqual(await replayWebhooks(h.ctx, { since }), { requeued: 2 });
    assert.deepEqual(await deliverWebhooks(h.ctx), { delivered: 2, failed: 0 });
    const all = receiver.received.filter((r) => r.accountId === user.accountId).map((r) => r.id);
    assert.deepEqual(all, [...first, ...first]);
    await assert.rejects(replayWebhooks(h.ctx, { since: 'yesterday' }), /--since/);
  });

  test('a receiver that hangs never blocks a login; the attempt times out and is retried', async () => {
    const user = await enrolledUser(h);
    receiver.hang = true;
    try {
      const started = Date.now();
      const challenge = await challengeFor(h, user.email);
      const verified = await h.call('POST', '/v1/sessions/verify', {
        body: { challenge, method: 'totp', code: codeFor(h, user.secret) },
      });
      assert.equal(verified.status, 200);
      assert.ok(Date.now() - started < 2_000);
      assert.deepEqual(await deliverWebhooks(h.ctx, { timeoutMs: 200 }), { delivered: 0, failed: 1 });
      const row = await h.ctx.storage.db
        .selectFrom('webhook_deliveries')
        .select(['last_error', 'attempts'])
        .where('last_error', 'is not', null)
        .executeTakeFirstOrThrow();
      assert.deepEqual(row, { last_error: 'timed out', attempts: 1 });
    } finally {
      receiver.hang = false;
    }
    h.clock.advance(FIRST_RETRY_SECONDS);
    assert.deepEqual(await deliverWebhooks(h.ctx), { delivered: 2, failed: 0 });
    assert.deepEqual(receiver.typesFor(user.accountId), ['account.created', 'two_factor.enabled']);
  });

  test('after 24 h of failures a delivery is dead-lettered and the next one is no longer held back', async () => {
    receiver.failNext = 1_000;
    const user = await enrolledUser(h);
    await deliverWebhooks(h.ctx);
    h.clock.advance(DEAD_LETTER_AFTER_HOURS * 3600);
    await deliverWebhooks(h.ctx);
    const rows = () =>
      h.ctx.storage.db
        .selectFrom('webhook_deliveries')
        .innerJoin('webhook_events', 'webhook_events.id', 'webhook_deliveries.event_id')
        .select(['webhook_events.type', 'webhook_deliveries.dead_at', 'webhook_deliveries.attempts'])
        .where('webhook_events.account_id', '=', user.accountId)
        .orderBy('webhook_deliveries.id')
        .execute();
    const [first, second] = await rows();
    assert.equal(first?.type, 'account.created');
    assert.ok(first?.dead_at, 'the first is dead');
    assert.deepEqual(second && { dead: second.dead_at, attempts: second.attempts }, { dead: null, attempts: 0 });
    await deliverWebhooks(h.ctx);
    assert.equal((await rows())[1]?.attempts, 1, 'the second is tried now');
    receiver.failNext = 0;
    assert.equal(receiver.typesFor(user.accountId).length, 0);
  });

  test('removed endpoints get nothing; list shows no secret', async () => {
    const extra = await addWebhook(h.ctx, { url: `${url}?second`, events: ['account.created'] });
    const listed = await listWebhooks(h.ctx);
    assert.equal(listed.length, 2);
    assert.ok(!JSON.stringify(listed).includes(extra.secret));
    assert.deepEqual(listed.find((w) => w.webhookId === extra.webhookId)?.events, ['account.created']);
    await removeWebhook(h.ctx, extra.webhookId);
    await assert.rejects(removeWebhook(h.ctx, extra.webhookId), /No such webhook/);
    assert.equal((await listWebhooks(h.ctx)).length, 1);
    await assert.rejects(addWebhook(h.ctx, { url, events: ['account.deleted'] }), /Unknown webhook event/);
    for (const bad of ['javascript:alert(1)', 'file:///etc/passwd', 'not a url']) {
      await assert.rejects(addWebhook(h.ctx, { url: bad }), /webhook URL/, bad);
    }
  });
});

describeOnEachDatabase('withdrawal lock events', (h) => {
  test('a 2FA reset announces the lock; its end is announced once, when it has passed', async () => {
    const user = await enrolledUser(h);
    const opened = await h.call('POST', '/v1/me/two-factor/reset', {
      token: user.token,
      body: { password: PASSWORD, method: 'totp', code: codeFor(h, user.secret) },
    });
    assert.equal(opened.status, 200, JSON.stringify(opened.body));
    const confirmed = await h.call('POST', '/v1/me/totp/confirm', {
      token: user.token,
      body: { setupId: opened.body.setupId, code: codeFor(h, opened.body.secret) },
    });
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    const events = async () =>
      (
        await h.ctx.storage.db
          .selectFrom('webhook_events')
          .select(['type', 'payload'])
          .where('account_id', '=', user.accountId)
          .orderBy('id')
          .execute()
      ).map((e) => e.type);
    assert.deepEqual((await events()).slice(-3), [
      'two_factor.reset_started',
      'two_factor.reset_confirmed',
      'withdrawal_lock.started',
    ]);
    assert.equal(await announceLockEnds(h.ctx), 0, 'still locked');
    h.clock.advance(h.ctx.config.withdrawalLockHours * 3600 + 1);
    assert.equal(await announceLockEnds(h.ctx), 1);
    assert.equal(await announceLockEnds(h.ctx), 0, 'announced once');
    assert.equal((await events()).at(-1), 'withdrawal_lock.ended');
  });
});

describe('webhooks CLI', () => {
  const dataDir = fs.mkdtempSync(`${os.tmpdir()}/latchkey-cli-`);
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'webhooks', ...args], {
      env: { ...process.env, LATCHKEY_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    });

  test('add prints {webhookId, secret} once; a non-http(s) URL is refused', () => {
    const added = cli('add', '--url', 'https://exchange.example/hooks', '--events', 'account.created,account.frozen');
    assert.equal(added.status, 0, added.stderr);
    const line = JSON.parse(added.stdout);
    assert.deepEqual(Object.keys(line), ['webhookId', 'secret']);
    assert.match(line.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    const listed = cli('list');
    assert.equal(listed.status, 0, listed.stderr);
    assert.ok(!listed.stdout.includes(line.secret));
    assert.equal(JSON.parse(listed.stdout).webhooks[0].webhookId, line.webhookId);

    const refused = cli('add', '--url', 'ftp://exchange.example/hooks');
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /webhook URL must start with http/);
    assert.equal(refused.stdout, '');
  });
});

describe('webhook secrets and key rotation', () => {
  test('keys rotate re-encrypts webhook secrets; they still sign', async () => {
    const h = await startHarness('sqlite');
    try {
      const added = await addWebhook(h.ctx, { url: 'https://exchange.example/hooks' });
      const report = await rotateKeys(h.ctx.config);
      assert.match(report, /1 webhook secret/);
      const row = await h.ctx.storage.db.selectFrom('webhook_endpoints').selectAll().executeTakeFirstOrThrow();
      assert.ok(row.secret_enc.startsWith('v2.'));
      assert.ok(!row.secret_enc.includes(added.secret));
      assert.equal(h.ctx.keyring.decrypt(row.secret_enc, webhookSecretAad(row.id)).toString('utf8'), added.secret);
    } finally {
      await h.close();
    }
  });
});
