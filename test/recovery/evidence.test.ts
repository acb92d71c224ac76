// Evidence uploads: the type comes from the bytes, the size is capped, and a
// refused upload leaves nothing behind; a ticket needs an ID to be submitted.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { enrolledUser } from '../support/flows.ts';
import { describeOnEachDatabase } from '../support/harness.ts';
import {
  fileWithMagic,
  mp4,
  multipart,
  openTicket,
  pdf,
  png,
  submitTicket,
  ticketAuth,
  uploadEvidence,
} from './helpers.ts';

const MAX_BYTES = 16 * 1024;

describeOnEachDatabase('recovery evidence', { env: { LATCHKEY_EVIDENCE_MAX_BYTES: String(MAX_BYTES) } }, (h) => {
  const evidenceFiles = () => {
    const dir = path.join(h.ctx.config.dataDir, 'evidence');
    return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  };

  test('a text file named .jpg and sent as image/jpeg is refused 415 by its bytes', async () => {
    const user = await enrolledUser(h);
    const ticket = await openTicket(h, user.email, 'lost_two_factor');
    const forged = await uploadEvidence(h, ticket, 'id_document', {
      filename: 'passport.jpg',
      contentType: 'image/jpeg',
      data: Buffer.from('this is not a picture of anything\n'.repeat(20)),
    });
    assert.equal(forged.status, 415, JSON.stringify(forged.body));
    assert.equal(forged.body.code, 'unsupported_media_type');
    const renamed = await uploadEvidence(h, ticket, 'selfie_video', {
      ...png(),
      filename: 'selfie.mp4',
      contentType: 'video/mp4',
    });
    assert.equal(renamed.status, 415, 'a PNG renamed to .mp4 is no video');
    const empty = await uploadEvidence(h, ticket, 'id_document', {
      filename: 'a.png',
      contentType: 'image/png',
      data: Buffer.alloc(0),
    });
    assert.equal(empty.status, 415);
    assert.deepEqual(evidenceFiles(), [], 'refused uploads leave no file');
  });

  test('every accepted type by its signature', async () => {
    const user = await enrolledUser(h);
    const ticket = await openTicket(h, user.email, 'full_verification');
    const jpeg = {
      filename: 'id',
      contentType: 'application/octet-stream',
      data: fileWithMagic([0xff, 0xd8, 0xff, 0xe0]),
    };
    const webm = {
      filename: 'v',
      contentType: 'application/octet-stream',
      data: fileWithMagic([0x1a, 0x45, 0xdf, 0xa3]),
    };
    const cases: Array<[string, { filename: string; contentType: string; data: Buffer }, string]> = [
      ['id_document', jpeg, 'image/jpeg'],
      ['id_document', pdf(), 'application/pdf'],
      ['selfie_video', mp4(), 'video/mp4'],
      ['selfie_video', webm, 'video/webm'],
      ['login_history', png(), 'image/png'],
    ];
    for (const [kind, file, mime] of cases) {
      const reply = await uploadEvidence(h, ticket, kind, file);
      assert.equal(reply.status, 201, `${kind} ${mime}: ${JSON.stringify(reply.body)}`);
    }
    const view = await h.call('GET', `/v1/recovery/tickets/${ticket.ticketId}`, {
      headers: ticketAuth(ticket.ticketToken),
    });
    assert.deepEqual(
      view.body.evidence.map((e: { mimeType: string }) => e.mimeType),
      cases.map((c) => c[2]),
    );
  });

  test('a file over the limit is refused 413 and its partial file removed', async () => {
    const user = await enrolledUser(h);
    const ticket = await openTicket(h, user.email, 'lost_two_factor');
    const before = evidenceFiles().length;
    const big = await uploadEvidence(h, ticket, 'id_document', png(MAX_BYTES + 1));
    assert.equal(big.status, 413, JSON.stringify(big.body));
    assert.equal(big.body.code, 'payload_too_large');
    const huge = await uploadEvidence(h, ticket, 'id_document', png(MAX_BYTES * 8));
    assert.equal(huge.status, 413);
    assert.equal(evidenceFiles().length, before, 'no partial file is left');
    const exact = await uploadEvidence(h, ticket, 'id_document', png(MAX_BYTES));
    assert.equal(exact.status, 201, 'exactly the limit is fine');
  });

  test('submitting without an id_document is refused 400 evidence_required', async () => {
    const user = await enrolledUser(h);
    const ticket = await openTicket(h, user.email, 'lost_two_factor');
    const none = await submitTicket(h, ticket);
    assert.equal(none.status, 400);
    assert.equal(none.body.code, 'evidence_required');
    assert.equal((await uploadEvidence(h, ticket, 'login_history', pdf())).status, 201);
    const still = await submitTicket(h, ticket);
    assert.equal(still.status, 400, 'login history is no identity document');
    assert.equal((await uploadEvidence(h, ticket, 'id_document', png())).status, 201);
    assert.equal((await submitTicket(h, ticket)).status, 200);
    const twice = await submitTicket(h, ticket);
    assert.equal(twice.status, 409, 'submitted once');
    const late = await uploadEvidence(h, ticket, 'id_document', png());
    assert.equal(late.status, 409, 'no evidence after submission');
  });

  test('malformed uploads are 4xx problems, never 500', async () => {
    const user = await enrolledUser(h);
    const ticket = await openTicket(h, user.email, 'lost_two_factor');
    const url = `/v1/recovery/tickets/${ticket.ticketId}/evidence`;
    const auth = ticketAuth(ticket.ticketToken);
    const json = await h.call('POST', url, { headers: auth, body: { kind: 'id_document' } });
    assert.equal(json.status, 415);
    const noKind = multipart([], png());
    const r1 = await h.call('POST', url, {
      headers: { ...auth, 'content-type': noKind.contentType },
      body: noKind.payload,
    });
    assert.equal(r1.status, 400);
    const badKind = multipart([['kind', 'passport']], png());
    const r2 = await h.call('POST', url, {
      headers: { ...auth, 'content-type': badKind.contentType },
      body: badKind.payload,
    });
    assert.equal(r2.status, 400);
    const noFile = multipart([['kind', 'id_document']]);
    const r3 = await h.call('POST', url, {
      headers: { ...auth, 'content-type': noFile.contentType },
      body: noFile.payload,
    });
    assert.equal(r3.status, 400);
    const junk = await h.call('POST', url, {
      headers: { ...auth, 'content-type': 'multipart/form-data; boundary=zzz' },
      body: Buffer.from('garbage'),
    });
    assert.ok(junk.status >= 400 && junk.status < 500, String(junk.status));
  });
});
