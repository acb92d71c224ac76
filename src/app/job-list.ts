// Every periodic job of the service, in the order they run.
import type { Mailer } from '../infra/mailer.ts';
import type { SmsSender } from '../infra/sms-webhook.ts';
import { webhookDeliveryJob } from '../webhooks/deliver.ts';
import { purgeReveals } from './backup-code-reveal.ts';
import { deliverOutbox, deliverSmsOutbox } from './deliver-outbox.ts';
import type { Job } from './jobs.ts';
import { recoveryJobs } from './recovery-jobs.ts';

export function serviceJobs(mailer: Mailer | undefined, sms?: SmsSender): Job[] {
  const jobs: Job[] = [{ name: 'purge-backup-code-reveals', run: purgeReveals }, ...recoveryJobs, webhookDeliveryJob];
  if (mailer) jobs.push({ name: 'deliver-outbox', run: (ctx) => deliverOutbox(ctx, mailer) });
  if (sms) jobs.push({ name: 'deliver-sms', run: (ctx) => deliverSmsOutbox(ctx, sms) });
  return jobs;
}
