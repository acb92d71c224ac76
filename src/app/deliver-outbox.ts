// Delivers queued notifications. Runs as a claimed job, so with several
// instances one message is sent once; a failure is retried on the next run.
import type { Mailer } from '../infra/mailer.ts';
import { listUnsentMessages, markMessageFailed, markMessageSent } from '../storage/events-repository.ts';
import type { AppContext } from './context.ts';

export async function deliverOutbox(ctx: AppContext, mailer: Mailer): Promise<number> {
  let sent = 0;
  for (const message of await listUnsentMessages(ctx.storage.db, 50)) {
    if (message.channel !== 'email') continue;
    try {
      await mailer.send({ to: message.recipient, subject: message.subject, text: message.body });
      await markMessageSent(ctx.storage.db, message.id, ctx.clock.now().toISOString());
      sent += 1;
    } catch (error) {
      ctx.logger.warn({ messageId: message.id, error: (error as Error).message }, 'email delivery failed');
      await markMessageFailed(ctx.storage.db, message.id, (error as Error).message);
    }
  }
  return sent;
}
