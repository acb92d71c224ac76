// `keys rotate` re-encrypts EVERY secret at rest under the new key: TOTP
// secrets, pending reveals, phones, queued SMS and their recipients and evidence files; and
// everything still decrypts to the same plaintext afterwards.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { OUTBOX_SMS_AAD } from '../../src/app/sms-codes.ts';
import { rotateKeys } from '../../src/cli/keys-rotate.ts';
import { enqueueMessage } from '../../src/storage/events-repository.ts';
import { submittedTicket, supportAgent } from '../recovery/helpers.ts';
import { codeFor, enrolledUser, PASSWORD } from '../support/flows.ts';
import { describeOnEachDatabase } from '../support/harness.ts';

describeOnEachDatabase('key rotation covers every secret at rest', (h) => {
  test('after rotation every ciphertext names the new key and still decrypts', async () => {
    const user = await enrolledUser(h);
    const phone = await h.call('POST', '/v1/me/phone', {
      token: user.token,
      body: { phone: '+14155550123', method: 'totp', code: codeFor(h, user.secret) },
    });
    assert.equal(phone.status, 202, JSON.stringify(phone.body));
    await h.clock.advance(30);
    const other = await enrolledUser(h);
    const ticket = await submittedTicket(h, other.email, 'lost_two_factor');
    const db = h.ctx.storage.db;
    const before = await db.selectFrom('recovery_evidence').select(['id', 'key_version']).execute();
    assert.ok(before.every((e) => e.key_version === 'v1'));

    // A recipient queued before recipients were encrypted is encrypted by the rotation.
    await enqueueMessage(db, {
      channel: 'sms',
      recipient: '+15555550100',
      subject: 'queued before the upgrade',
      body: h.ctx.keyring.encrypt('123456 is your code', OUTBOX_SMS_AAD),
      createdAt: h.clock.now().toISOString(),
    });

    const report = await rotateKeys(h.ctx.config, h.ctx.storage);
    assert.match(report, /current key v2/);
    assert.match(report, /1 evidence file/);

    const secrets = await db
      .selectFrom('totp_bindings')
      .select('secret_enc')
      .where('status', '!=', 'retired')
      .execute();
    const phones = await db.selectFrom('phones').select('phone_enc').execute();
    const sms = await db.selectFrom('outbox').select(['body', 'recipient']).where('channel', '=', 'sms').execute();
    const reveals = await db
      .selectFrom('backup_code_sets')
      .select('reveal_codes_enc')
      .where('reveal_codes_enc', 'is not', null)
      .execute();
    const ciphertexts = [
      ...secrets.map((r) => r.secret_enc),
      ...phones.map((r) => r.phone_enc),
      ...sms.flatMap((r) => [r.body, r.recipient]),
      ...reveals.map((r) => r.reveal_codes_enc as string),
    ];
    assert.ok(ciphertexts.length >= 6);
    for (const ciphertext of ciphertexts) assert.ok(ciphertext.startsWith('v2.'), ciphertext.slice(0, 4));
    const evidence = await db.selectFrom('recovery_evidence').select(['id', 'key_version']).execute();
    assert.ok(evidence.every((e) => e.key_version === 'v2'));
    // Only the new copy is left on disk.
    const onDisk = fs.readdirSync(path.join(h.ctx.config.dataDir, 'evidence'));
    assert.deepEqual(
      onDisk,
      evidence.map((e) => `${e.id}.v2`),
    );

    // The running server reloads the key file and goes on working.
    const login = await h.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
    const verified = await h.call('POST', '/v1/sessions/verify', {
      body: { challenge: login.body.challenge, method: 'totp', code: codeFor(h, user.secret) },
    });
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
    const outbox = await h.call('GET', '/v1/test/outbox');
    assert.ok(
      outbox.body.messages.some(
        (m: { channel: string; body: string; to: string }) =>
          m.channel === 'sms' && /^\d{6} is your/.test(m.body) && m.to === '+14155550123',
      ),
    );
    assert.ok(outbox.body.messages.some((m: { to: string }) => m.to === '+15555550100'));
    const agent = await supportAgent(h);
    const view = await h.call('GET', `/v1/support/tickets/${ticket.ticketId}`, { token: agent.token });
    const evidenceId = view.body.evidence[0].evidenceId;
    const file = await h.call('GET', `/v1/support/tickets/${ticket.ticketId}/evidence/${evidenceId}`, {
      token: agent.token,
    });
    assert.equal(file.status, 200);
    assert.equal(file.raw.subarray(0, 8).toString('hex'), '89504e470d0a1a0a');

    // One flipped byte on disk: refused before anything is served.
    const stored = path.join(h.ctx.config.dataDir, 'evidence', `${evidenceId}.v2`);
    const bytes = fs.readFileSync(stored);
    bytes[100] = (bytes[100] ?? 0) ^ 0xff;
    fs.writeFileSync(stored, bytes);
    const tampered = await h.call('GET', `/v1/support/tickets/${ticket.ticketId}/evidence/${evidenceId}`, {
      token: agent.token,
    });
    assert.equal(tampered.status, 409);
    assert.equal(tampered.body.code, 'evidence_damaged');
  });
});
