import type { Executor } from './executor.ts';
import { changed } from './executor.ts';

/**
 * Claims a named periodic job for `leaseMs`. The conditional update lets one
 * process at a time run it, however many instances share the database.
 */
export async function claimJob(db: Executor, name: string, now: Date, leaseMs: number): Promise<boolean> {
  await db
    .insertInto('jobs')
    .values({ name, locked_until: null, last_run_at: null })
    .onConflict((c) => c.column('name').doNothing())
    .execute();
  const nowIso = now.toISOString();
  const result = await db
    .updateTable('jobs')
    .set({ locked_until: new Date(now.getTime() + leaseMs).toISOString(), last_run_at: nowIso })
    .where('name', '=', name)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', nowIso)]))
    .executeTakeFirst();
  return changed(result) === 1;
}

export async function releaseJob(db: Executor, name: string): Promise<void> {
  await db.updateTable('jobs').set({ locked_until: null }).where('name', '=', name).execute();
}
