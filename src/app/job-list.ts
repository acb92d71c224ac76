// Every periodic job of the service, in the order they run.
import type { Mailer } from '../infra/mailer.ts';
import { purgeReveals } from './backup-code-reveal.ts';
import { deliverOutbox } from './deliver-outbox.ts';
import type { Job } from './jobs.ts';
import { recoveryJobs } from './recovery-jobs.ts';

export function serviceJobs(mailer: Mailer | undefined): Job[] {
  const jobs: Job[] = [{ name: 'purge-backup-code-reveals', run: purgeReveals }, ...recoveryJobs];
  if (mailer) jobs.push({ name: 'deliver-outbox', run: (ctx) => deliverOutbox(ctx, mailer) });
  return jobs;
}
