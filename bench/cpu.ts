// CPU spent per request, per process (Linux /proc): each Latchkey instance,
// the PostgreSQL backends serving the bench database, Redis, the proxy. Robust
// to a noisy shared machine where throughput is not: a process's CPU time per
// login barely depends on what else runs.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { Redis } from 'ioredis';
import type pg from 'pg';

/** Clock ticks per second of /proc/<pid>/stat times (100 on every Linux seen; asked once). */
const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of one process in seconds, or undefined when it is gone (or not Linux). */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at state, field 3; utime is 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return undefined;
  }
}

/** One thing whose CPU is measured: seconds used so far, per pid (a group: PostgreSQL's backends). */
export interface CpuSource {
  readonly label: string;
  read(): Promise<Map<number, number>>;
}

export function processSource(label: string, pid: () => number | undefined): CpuSource {
  return {
    label,
    read: async () => {
      const id = pid();
      const seconds = processCpuSeconds(id);
      return id !== undefined && seconds !== undefined ? new Map([[id, seconds]]) : new Map();
    },
  };
}

/**
 * The backends connected to `database` (the bench's own, so other work on the
 * shared server is left out). A backend that exits during a run loses its share.
 */
export function postgresBackends(admin: pg.Client, database: string): CpuSource {
  return {
    label: 'postgres',
    read: async () => {
      const { rows } = await admin.query<{ pid: number }>(
        'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [database],
      );
      const out = new Map<number, number>();
      for (const { pid } of rows) {
        const seconds = processCpuSeconds(pid);
        if (seconds !== undefined) out.set(pid, seconds);
      }
      return out;
    },
  };
}

/** The whole Redis server (INFO cpu), shared with whatever else uses it. */
export function redisServer(redis: Redis): CpuSource {
  return {
    label: 'redis',
    read: async () => {
      const info = await redis.info('cpu');
      const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
      const seconds = field('used_cpu_sys') + field('used_cpu_user');
      return new Map([[0, seconds]]);
    },
  };
}

export type CpuSnapshot = Map<string, Map<number, number>>;

export async function snapshot(sources: readonly CpuSource[]): Promise<CpuSnapshot> {
  return new Map(await Promise.all(sources.map(async (s) => [s.label, await s.read()] as const)));
}

/** Milliseconds of CPU per request between two snapshots, per source. */
export function perRequest(before: CpuSnapshot, after: CpuSnapshot, requests: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [label, end] of after) {
    const start = before.get(label) ?? new Map<number, number>();
    let seconds = 0;
    // A pid seen only at the end started during the run: all its time counts.
    for (const [pid, value] of end) seconds += value - (start.get(pid) ?? 0);
    out[label] = (seconds * 1000) / requests;
  }
  return out;
}
