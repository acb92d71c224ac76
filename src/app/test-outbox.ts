// GET /v1/test/outbox (test mode only): every message the server queued, SMS
// and email bodies decrypted, so tests can read the codes that were sent.
import { listAllMessages } from '../storage/events-repository.ts';
import type { AppContext } from './context.ts';
import { readEmailBody } from './outbox-email.ts';
import { readOutboxRecipient, readOutboxSms } from './sms-codes.ts';

export async function testOutbox(ctx: AppContext) {
  const messages = await listAllMessages(ctx.storage.db);
  return messages.map((m) => ({
    channel: m.channel,
    to: readOutboxRecipient(ctx, m),
    subject: m.subject,
    body: m.channel === 'email' ? readEmailBody(ctx, m) : readOutboxSms(ctx, m),
    sentAt: m.sent_at ?? m.created_at,
  }));
}
