// Emails wait in the outbox encrypted under the keyring, like SMS: their links
// are one-time credentials (a freeze link, a password-reset link, a recovery
// continue link), so a copy of the database must not hold them in the clear.
// Decrypted only to deliver (and, in test mode, to show the outbox).

import { enqueueMessage, listEmailBodies, updateMessageBody } from '../storage/events-repository.ts';
import type { Executor } from '../storage/executor.ts';
import type { AppContext } from './context.ts';
import { encryptedColumn } from './encrypted-columns.ts';

export const outboxEmailAad = (messageId: number): string => `outbox:${messageId}:email-body`;

/** What keyring.encrypt produces (`<version>.<iv>.<tag>.<body>`); an email queued before encryption has spaces. */
const SEALED = /^[A-Za-z0-9]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export async function queueEmail(
  ctx: AppContext,
  db: Executor,
  email: { to: string; subject: string; body: string; at: Date },
): Promise<void> {
  await enqueueMessage(db, {
    channel: 'email',
    recipient: email.to,
    subject: email.subject,
    body: (messageId) => ctx.keyring.encrypt(email.body, outboxEmailAad(messageId)),
    createdAt: email.at.toISOString(),
  });
}

/** The text of a queued email. */
export function readEmailBody(ctx: AppContext, message: { id: number; body: string }): string {
  if (!SEALED.test(message.body)) return message.body;
  return ctx.keyring.decrypt(message.body, outboxEmailAad(message.id)).toString('utf8');
}

/** For `keys rotate`: every queued email body, those queued before encryption included. */
export const outboxEmailColumn = encryptedColumn({
  table: 'outbox',
  column: 'body',
  label: 'queued email(s)',
  rows: listEmailBodies,
  key: (row) => String(row.id),
  ciphertext: (row) => row.body,
  aad: (row) => outboxEmailAad(row.id),
  save: (db, row, ciphertext) => updateMessageBody(db, row.id, ciphertext),
  plaintext: (row) => (SEALED.test(row.body) ? undefined : row.body),
});
