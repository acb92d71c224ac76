// Delivers queued notifications, one channel at a time. Runs as a claimed job,
// so with several instances one message is sent once; a failure is retried on
// the next run (up to 10 attempts).
import type { Mailer } from '../infra/mailer.ts';
import type { SmsSender } from '../infra/sms-webhook.ts';
import { listUnsentMessages, markMessageFailed, markMessageSent } from '../storage/events-repository.ts';
import type { OutboxTable } from '../storage/schema.ts';
import type { AppContext } from './context.ts';
import { readEmailBody } from './outbox-email.ts';
import { readOutboxRecipient, readOutboxSms } from './sms-codes.ts';

type Message = Awaited<ReturnType<typeof listUnsentMessages>>[number];

async function deliverChannel(
  ctx: AppContext,
  channel: OutboxTable['channel'],
  send: (message: Message) => Promise<void>,
): Promise<number> {
  let sent = 0;
  for (const message of await listUnsentMessages(ctx.storage.db, channel, 50)) {
    try {
      await send(message);
      await markMessageSent(ctx.storage.db, message.id, ctx.clock.now().toISOString());
      sent += 1;
    } catch (error) {
      ctx.logger.warn({ messageId: message.id, channel, error: (error as Error).message }, 'delivery failed');
      await markMessageFailed(ctx.storage.db, message.id, (error as Error).message);
    }
  }
  return sent;
}

export function deliverOutbox(ctx: AppContext, mailer: Mailer): Promise<number> {
  return deliverChannel(ctx, 'email', (m) =>
    mailer.send({ to: m.recipient, subject: m.subject, text: readEmailBody(ctx, m) }),
  );
}

export function deliverSmsOutbox(ctx: AppContext, sender: SmsSender): Promise<number> {
  return deliverChannel(ctx, 'sms', (m) =>
    sender.send({ to: readOutboxRecipient(ctx, m), text: readOutboxSms(ctx, m) }),
  );
}
