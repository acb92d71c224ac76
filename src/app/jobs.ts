// Periodic jobs. Each is claimed through the jobs table before it runs, so it
// runs in one process at a time however many instances share the database.
import { claimJob, releaseJob } from '../storage/jobs-repository.ts';
import type { AppContext } from './context.ts';

export interface Job {
  readonly name: string;
  run(ctx: AppContext): Promise<unknown>;
}

const LEASE_MS = 60_000;

export async function runJobs(ctx: AppContext, jobs: readonly Job[]): Promise<void> {
  for (const job of jobs) {
    if (!(await claimJob(ctx.storage.db, job.name, ctx.clock.now(), LEASE_MS))) continue;
    try {
      await job.run(ctx);
    } catch (error) {
      ctx.logger.error({ job: job.name, error: (error as Error).message }, 'job failed');
    } finally {
      await releaseJob(ctx.storage.db, job.name);
    }
  }
}
