// GET /healthz (the process is up and its database answers) and GET /readyz
// (every dependency answers: the database, and Redis when configured).
import { pingDatabase } from '../storage/health.ts';
import type { AppContext } from './context.ts';

/** A probe that hasn't answered by then counts as down. */
const PROBE_TIMEOUT_MS = 2_000;

export type Readiness = { readonly ready: boolean; readonly checks: Readonly<Record<string, 'ok' | 'down'>> };

export async function checkHealth(ctx: AppContext): Promise<void> {
  await pingDatabase(ctx.storage.db);
}

async function probe(check: () => Promise<unknown>): Promise<'ok' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

export async function checkReadiness(ctx: AppContext): Promise<Readiness> {
  const probes = { database: () => checkHealth(ctx), ...ctx.probes };
  const results = await Promise.all(Object.entries(probes).map(async ([name, check]) => [name, await probe(check)]));
  const checks = Object.fromEntries(results) as Record<string, 'ok' | 'down'>;
  return { ready: Object.values(checks).every((state) => state === 'ok'), checks };
}
