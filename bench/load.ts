// The load generator: autocannon in the benchmark process. A login run sends
// exactly one request per prepared login (autocannon `amount`), and every one
// must answer 200 or the benchmark fails: no figure counts an error.
import autocannon, { type AutocannonOptions, type AutocannonResult } from 'autocannon';

export const CONNECTIONS = 50;

/** One run of one case: throughput and latency (ms) as autocannon measured them. */
export interface Measurement {
  readonly requests: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  /** Milliseconds of CPU per request, per process (bench/cpu.ts), when the case measures it. */
  readonly cpuMs?: Record<string, number>;
}

/**
 * One autocannon run, with the latency of every 2xx answer kept as measured
 * (fractions of a millisecond): autocannon's own percentiles come from a
 * histogram of whole milliseconds, a 7% step at a 15 ms median, too coarse
 * for a goal of 10%.
 */
async function measured(options: AutocannonOptions): Promise<{ result: AutocannonResult; p50: number; p99: number }> {
  const times: number[] = [];
  const run = autocannon(options);
  run.on('response', (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) times.push(ms);
  });
  const result = await run;
  times.sort((a, b) => a - b);
  return { result, p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}

/** The nearest-rank percentile of sorted values (NaN for none). */
function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] as number;
}

export async function helloRun(url: string, seconds: number): Promise<Measurement> {
  const { result, p50, p99 } = await measured({ url, connections: CONNECTIONS, duration: seconds });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`hello: ${result.non2xx} non-2xx, ${result.errors} errors`);
  const elapsed = (result.finish.getTime() - result.start.getTime()) / 1000;
  return {
    requests: result.requests.total,
    perSecond: result.requests.total / elapsed,
    p50,
    p99,
  };
}

export interface PreparedRequest {
  readonly body: object;
  readonly headers?: Record<string, string>;
}

/**
 * POSTs one prepared request per login to `path`. `build` runs when autocannon
 * builds the request (so a TOTP code is computed for the time it is sent).
 */
export async function loginRun(
  base: string,
  path: string,
  logins: Array<() => PreparedRequest>,
  what: string,
  connections = CONNECTIONS,
): Promise<Measurement> {
  let next = 0;
  let ok = 0;
  const failures = new Map<string, number>();
  // Timed from the first request built to the last answer: autocannon's own
  // start/finish round up to its 1-second ticker, which swamps short runs.
  let first = 0;
  let last = 0;
  const { result, p50, p99 } = await measured({
    url: base,
    connections: Math.min(connections, logins.length),
    amount: logins.length,
    timeout: 120,
    requests: [
      {
        method: 'POST',
        path,
        setupRequest: (request) => {
          if (next === 0) first = performance.now();
          const login = logins[next++];
          // Past the end (never expected): an empty body, which fails and shows as an error.
          const prepared = login ? login() : { body: {} };
          return {
            ...request,
            headers: { 'content-type': 'application/json', ...prepared.headers },
            body: JSON.stringify(prepared.body),
          };
        },
        onResponse: (status, body) => {
          last = performance.now();
          if (status === 200) ok++;
          else {
            const key = `${status} ${body.slice(0, 160)}`;
            failures.set(key, (failures.get(key) ?? 0) + 1);
          }
        },
      },
    ],
  });
  if (result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${what}: ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  if (ok !== logins.length) {
    throw new Error(`${what}: only ${ok} of ${logins.length} logins succeeded: ${JSON.stringify([...failures])}`);
  }
  return {
    requests: logins.length,
    perSecond: ok / ((last - first) / 1000),
    p50,
    p99,
  };
}
