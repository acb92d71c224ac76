// Issue 15 item 7: the phone number of a queued SMS is encrypted in the outbox
// (bound to its row), so neither the SQLite file and its WAL nor a pg_dump shows
// it; it is decrypted only to hand the message to the gateway.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { sql } from 'kysely';
import { deliverSmsOutbox } from '../../src/app/deliver-outbox.ts';
import { webhookSmsSender } from '../../src/infra/sms-webhook.ts';
import { sqliteFile } from '../../src/storage/database.ts';
import { enqueueMessage } from '../../src/storage/events-repository.ts';
import { POSTGRES_URL } from '../support/databases.ts';
import { codeFor, enrolledUser } from '../support/flows.ts';
import { describeOnEachDatabase, type Harness } from '../support/harness.ts';

const NUMBER = '+447700900123';
/** Any run of the number's digits long enough to identify it. */
const DIGIT_RUNS = ['7700900123', '700900', '900123', '447700'];

/** A stand-in SMS gateway: records what the webhook sender posts. */
async function gateway(): Promise<{ url: string; received: Array<{ to: string; body: string }>; close(): void }> {
  const received: Array<{ to: string; body: string }> = [];
  const server = http.createServer((request, response) => {
    let data = '';
    request.on('data', (chunk) => {
      data += chunk;
    });
    request.on('end', () => {
      received.push(JSON.parse(data));
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/sms`, received, close: () => server.close() };
}

/** The raw bytes a copy of the database would show. */
async function databaseCopy(h: Harness): Promise<Buffer> {
  if (h.dialect === 'sqlite') {
    const file = sqliteFile(h.ctx.config.dataDir);
    return Buffer.concat([file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
  }
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(h.ctx.storage.db);
  return execFileSync('pg_dump', ['--data-only', `--schema=${rows[0]?.schema}`, POSTGRES_URL], {
    maxBuffer: 64 * 1024 * 1024,
  });
}

describeOnEachDatabase('outbox recipients at rest', (h) => {
  test('the recipient column holds no digits of the number; delivery still sends to it', async () => {
    const user = await enrolledUser(h);
    const added = await h.call('POST', '/v1/me/phone', {
      token: user.token,
      body: { phone: NUMBER, method: 'totp', code: codeFor(h, user.secret) },
    });
    assert.equal(added.status, 202, JSON.stringify(added.body));

    const rows = await h.ctx.storage.db
      .selectFrom('outbox')
      .select(['id', 'recipient'])
      .where('channel', '=', 'sms')
      .execute();
    assert.equal(rows.length, 1);
    for (const run of DIGIT_RUNS) assert.ok(!rows[0]?.recipient.includes(run), `the column shows ${run}`);
    // Bound to its row: moved to another row, it no longer decrypts.
    assert.throws(() => h.ctx.keyring.decrypt(rows[0]?.recipient ?? '', `outbox:${(rows[0]?.id ?? 0) + 1}:recipient`));

    // The test outbox (test mode only) and the gateway see the number.
    const outbox = await h.call('GET', '/v1/test/outbox');
    assert.ok(
      outbox.body.messages.some((m: { channel: string; to: string }) => m.channel === 'sms' && m.to === NUMBER),
    );
    const sms = await gateway();
    try {
      assert.equal(await deliverSmsOutbox(h.ctx, webhookSmsSender(sms.url)), 1);
      assert.equal(sms.received.length, 1);
      assert.equal(sms.received[0]?.to, NUMBER);
      assert.match(sms.received[0]?.body ?? '', /^\d{6} is your/);
    } finally {
      sms.close();
    }

    const copy = await databaseCopy(h);
    assert.notEqual(copy.indexOf(Buffer.from(`${h.ctx.config.issuer} code`)), -1, 'the copy holds the outbox');
    for (const run of DIGIT_RUNS) assert.equal(copy.indexOf(Buffer.from(run)), -1, `the database copy shows ${run}`);
  });

  test('a row queued before recipients were encrypted is still delivered to its number', async () => {
    await enqueueMessage(h.ctx.storage.db, {
      channel: 'sms',
      recipient: '+15555550100',
      subject: 'legacy',
      body: h.ctx.keyring.encrypt('123456 is your code', 'outbox:sms'),
      createdAt: h.clock.now().toISOString(),
    });
    const sms = await gateway();
    try {
      assert.equal(await deliverSmsOutbox(h.ctx, webhookSmsSender(sms.url)), 1);
      assert.deepEqual(sms.received, [{ to: '+15555550100', body: '123456 is your code' }]);
    } finally {
      sms.close();
    }
  });
});
