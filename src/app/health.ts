// GET /healthz: the process is up and its database answers.
import { pingDatabase } from '../storage/health.ts';
import type { AppContext } from './context.ts';

export async function checkHealth(ctx: AppContext): Promise<void> {
  await pingDatabase(ctx.storage.db);
}
