// Periodic jobs of the recovery process (overdue tickets, expiry) join here.
import type { Job } from './jobs.ts';

export const recoveryJobs: Job[] = [];
