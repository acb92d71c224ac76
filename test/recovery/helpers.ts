// Recovery journeys over HTTP, shared by the recovery suites: multipart
// bodies built by hand, file fixtures by their magic bytes, agents made with
// the CLI's addSupportAgent and logged in like anyone.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { addSupportAgent } from '../../src/cli/agent-add.ts';
import { challengeFor, PASSWORD, uniqueEmail } from '../support/flows.ts';
import type { Harness, Reply } from '../support/harness.ts';

export interface Upload {
  readonly filename: string;
  readonly contentType: string;
  readonly data: Buffer;
}

/** A multipart/form-data body: the fields in order, then the file in the field "file". */
export function multipart(fields: Array<[string, string]>, file?: Upload): { payload: Buffer; contentType: string } {
  const boundary = `----latchkey${crypto.randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of fields) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.filename}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
      ),
      file.data,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Random bytes behind a real signature: recognisable, and not found by chance in ciphertext. */
export function fileWithMagic(magic: number[] | string, size = 4096, offset = 0): Buffer {
  const data = crypto.randomBytes(size);
  const head = typeof magic === 'string' ? Buffer.from(magic, 'latin1') : Buffer.from(magic);
  head.copy(data, offset);
  return data;
}

export const png = (size = 4096): Upload => ({
  filename: 'passport.png',
  contentType: 'image/png',
  data: fileWithMagic([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], size),
});
export const pdf = (): Upload => ({
  filename: 'statement.pdf',
  contentType: 'application/pdf',
  data: fileWithMagic('%PDF-1.7\n'),
});
export const mp4 = (): Upload => ({
  filename: 'selfie.mp4',
  contentType: 'video/mp4',
  data: fileWithMagic('ftypisom', 4096, 4),
});

export function ticketAuth(ticketToken: string): Record<string, string> {
  return { authorization: `Ticket ${ticketToken}` };
}

export interface Ticket {
  readonly ticketId: string;
  readonly ticketToken: string;
}

export async function openTicket(
  h: Harness,
  email: string,
  kind: 'lost_two_factor' | 'full_verification',
  headers: Record<string, string> = {},
): Promise<Ticket> {
  const challenge = await challengeFor(h, email);
  const opened = await h.call('POST', '/v1/recovery/tickets', { body: { challenge, kind }, headers });
  assert.equal(opened.status, 201, JSON.stringify(opened.body));
  assert.equal(opened.body.status, 'awaiting_evidence');
  return { ticketId: opened.body.ticketId, ticketToken: opened.body.ticketToken };
}

export async function uploadEvidence(h: Harness, ticket: Ticket, kind: string, file: Upload): Promise<Reply> {
  const body = multipart([['kind', kind]], file);
  return h.call('POST', `/v1/recovery/tickets/${ticket.ticketId}/evidence`, {
    body: body.payload,
    headers: { ...ticketAuth(ticket.ticketToken), 'content-type': body.contentType },
  });
}

export async function submitTicket(h: Harness, ticket: Ticket): Promise<Reply> {
  return h.call('POST', `/v1/recovery/tickets/${ticket.ticketId}/submit`, { headers: ticketAuth(ticket.ticketToken) });
}

/** Opens a ticket with an identity document and submits it. */
export async function submittedTicket(
  h: Harness,
  email: string,
  kind: 'lost_two_factor' | 'full_verification',
): Promise<Ticket> {
  const ticket = await openTicket(h, email, kind);
  const uploaded = await uploadEvidence(h, ticket, 'id_document', png());
  assert.equal(uploaded.status, 201, JSON.stringify(uploaded.body));
  const submitted = await submitTicket(h, ticket);
  assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
  return ticket;
}

export interface Agent {
  readonly email: string;
  readonly token: string;
  readonly accountId: string;
}

export async function supportAgent(h: Harness, email = uniqueEmail('agent')): Promise<Agent> {
  const created = await addSupportAgent(h.ctx, { email, password: PASSWORD });
  const login = await h.call('POST', '/v1/sessions', { body: { email, password: PASSWORD } });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  return { email, token: login.body.token, accountId: created.accountId };
}

export async function decide(
  h: Harness,
  agent: Agent,
  ticketId: string,
  decision: 'approve' | 'reject',
  note = 'checked',
): Promise<Reply> {
  return h.call('POST', `/v1/support/tickets/${ticketId}/decision`, { token: agent.token, body: { decision, note } });
}

export async function outboxTo(h: Harness, to: string): Promise<Array<{ subject: string; body: string }>> {
  const outbox = await h.call('GET', '/v1/test/outbox');
  return outbox.body.messages.filter((m: { to: string }) => m.to === to);
}
