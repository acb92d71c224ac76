// `npm run bench` (issue 4, point 8). Starts a real Latchkey (test mode, fresh
// SQLite in a temp folder) and a Fastify hello-world, drives both with
// autocannon, and measures backup-code and TOTP logins per second as a ratio
// to hello-world. Then, in process, attempts per second of the one-argon2id
// backup-code design beside the classic try-every-code design. Prints a table
// and writes docs/benchmarks.md. Every request of a login run is a valid login:
// challenges and codes are prepared beforehand and handed out one per request.
import { type ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type AutocannonResult } from 'autocannon';
import SQLite from 'better-sqlite3';
import { generateTotp, secretFromBase32 } from '../src/domain/totp.ts';
import { argon2Hasher, PRODUCTION_ARGON2 } from '../src/infra/hashing.ts';
import { cryptoTokens } from '../src/infra/tokens.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PASSWORD = 'bench password, long enough';
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 60); // each gives 8 backup-code logins
const TOTP_ROUNDS = Number(process.env.BENCH_TOTP_ROUNDS ?? 8); // each: one TOTP login per account
const CONNECTIONS = 10;
const HELLO_SECONDS = 5;

// ---------------------------------------------------------------- processes

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function startProcess(script: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM') process.stderr.write(`${script} exited: ${code ?? signal}\n`);
  });
  return child;
}

async function waitFor(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

// ------------------------------------------------------------------- client

async function call(base: string, method: string, url: string, body?: unknown, token?: string) {
  const response = await fetch(base + url, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers of the API under test.
  const json: any = text ? JSON.parse(text) : undefined;
  return { status: response.status, body: json };
}

function expect(status: number, reply: { status: number; body: unknown }, what: string): void {
  if (reply.status !== status) throw new Error(`${what}: ${reply.status} ${JSON.stringify(reply.body)}`);
}

/** Runs `tasks` with at most `limit` in flight (both cores busy while preparing). */
async function pool<T>(limit: number, tasks: Array<() => Promise<T>>): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await (tasks[index] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

interface Account {
  email: string;
  secret: Buffer;
  codes: string[];
}

class Latchkey {
  /** Test clock minus wall clock, in ms. */
  offsetMs = 0;
  constructor(readonly base: string) {}

  async syncClock(): Promise<void> {
    const reply = await call(this.base, 'GET', '/v1/test/clock');
    this.offsetMs = new Date(reply.body.now).getTime() - Date.now();
  }

  async advance(seconds: number): Promise<void> {
    expect(200, await call(this.base, 'POST', '/v1/test/clock', { advanceSeconds: seconds }), 'advance clock');
    await this.syncClock();
  }

  totp(secret: Buffer): string {
    return generateTotp({ secret }, Date.now() + this.offsetMs);
  }

  async enroll(n: number): Promise<Account> {
    const email = `bench-${n}-${crypto.randomBytes(4).toString('hex')}@example.com`;
    expect(201, await call(this.base, 'POST', '/v1/accounts', { email, password: PASSWORD }), 'sign up');
    const login = await call(this.base, 'POST', '/v1/sessions', { email, password: PASSWORD });
    expect(200, login, 'log in');
    const token = login.body.token as string;
    const setup = await call(this.base, 'POST', '/v1/me/totp/setup', {}, token);
    expect(200, setup, 'setup');
    const secret = Buffer.from(secretFromBase32(setup.body.secret));
    const confirm = await call(
      this.base,
      'POST',
      '/v1/me/totp/confirm',
      { setupId: setup.body.setupId, code: this.totp(secret) },
      token,
    );
    expect(200, confirm, 'confirm');
    return { email, secret, codes: confirm.body.backupCodes.codes };
  }

  async challenge(email: string): Promise<string> {
    const login = await call(this.base, 'POST', '/v1/sessions', { email, password: PASSWORD });
    expect(200, login, 'challenge');
    if (login.body.status !== 'second_factor_required') throw new Error(`no challenge: ${JSON.stringify(login.body)}`);
    return login.body.challenge;
  }
}

// -------------------------------------------------------------- HTTP runs

interface Run {
  requests: number;
  ok: number;
  seconds: number;
}

const perSecond = (run: Run) => run.ok / run.seconds;

async function helloRun(url: string): Promise<Run> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: HELLO_SECONDS });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`hello: ${result.non2xx} non-2xx, ${result.errors} errors`);
  const seconds = (result.finish.getTime() - result.start.getTime()) / 1000;
  return { requests: result.requests.total, ok: result.requests.total, seconds };
}

/** One valid login per prepared body: `amount` stops the run when they are used up. */
async function loginRun(base: string, bodies: Array<() => object>): Promise<Run> {
  let next = 0;
  let ok = 0;
  // Timed from the first request built to the last answer: autocannon's own
  // start/finish round up to its 1-second ticker, which swamps short runs.
  let first = 0;
  let last = 0;
  const result: AutocannonResult = await autocannon({
    url: base,
    connections: Math.min(CONNECTIONS, bodies.length),
    amount: bodies.length,
    timeout: 60,
    requests: [
      {
        method: 'POST',
        path: '/v1/sessions/verify',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => {
          if (next === 0) first = performance.now();
          const body = bodies[next++];
          // Past the end (never expected): an empty body, which fails and shows as an error.
          return { ...request, body: body ? JSON.stringify(body()) : '{}' };
        },
        onResponse: (status) => {
          last = performance.now();
          if (status === 200) ok++;
        },
      },
    ],
  });
  const seconds = (last - first) / 1000;
  if (result.errors > 0 || result.timeouts > 0) throw new Error(`${result.errors} errors, ${result.timeouts} timeouts`);
  if (ok !== bodies.length) throw new Error(`only ${ok} of ${bodies.length} logins succeeded`);
  return { requests: bodies.length, ok, seconds };
}

function sum(runs: Run[]): Run {
  return runs.reduce((a, b) => ({
    requests: a.requests + b.requests,
    ok: a.ok + b.ok,
    seconds: a.seconds + b.seconds,
  }));
}

// ------------------------------------------------------- in-process hashing

const { hashBackupCode, hashPassword, verifyPassword } = argon2Hasher(PRODUCTION_ARGON2);

interface Micro {
  design: string;
  codes: number;
  attempts: number;
  seconds: number;
  hashesPerAttempt: number;
}

/** ONE argon2id(code, set salt, pepper), then an indexed equality lookup (src/app/second-factor-gate.ts). */
async function oneHashDesign(codes: number, attempts: number): Promise<Micro> {
  const db = new SQLite(':memory:');
  db.exec('CREATE TABLE backup_codes (id INTEGER PRIMARY KEY, set_id TEXT, code_hash TEXT, used_at TEXT)');
  db.exec('CREATE INDEX backup_codes_lookup ON backup_codes (set_id, code_hash)');
  const salt = cryptoTokens.newSalt();
  const pepper = crypto.randomBytes(32);
  const stored = Array.from({ length: codes }, (_, i) => String(100_000 + i));
  const insert = db.prepare('INSERT INTO backup_codes (set_id, code_hash) VALUES (?, ?)');
  for (const code of stored) insert.run('set-1', await hashBackupCode(code, salt, pepper));
  const find = db.prepare('SELECT id FROM backup_codes WHERE set_id = ? AND code_hash = ? AND used_at IS NULL');
  const started = process.hrtime.bigint();
  for (let i = 0; i < attempts; i++) {
    // A wrong code: the common case under attack, and the most expensive one for the classic design.
    const hash = await hashBackupCode(String(900_000 + i), salt, pepper);
    if (find.get('set-1', hash)) throw new Error('a wrong code matched');
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  db.close();
  return { design: 'one argon2id + indexed lookup', codes, attempts, seconds, hashesPerAttempt: 1 };
}

/** The classic design: each code stored as its own argon2id PHC string; an attempt verifies against each. */
async function classicDesign(codes: number, attempts: number): Promise<Micro> {
  const stored = await Promise.all(Array.from({ length: codes }, (_, i) => hashPassword(String(100_000 + i))));
  const started = process.hrtime.bigint();
  for (let i = 0; i < attempts; i++) {
    const code = String(900_000 + i);
    let matched = false;
    for (const hash of stored) {
      if (await verifyPassword(hash, code)) {
        matched = true;
        break;
      }
    }
    if (matched) throw new Error('a wrong code matched');
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { design: 'classic: argon2id verify per stored code', codes, attempts, seconds, hashesPerAttempt: codes };
}

// --------------------------------------------------------------------- main

function machine() {
  const cpus = os.cpus();
  return {
    nproc: os.availableParallelism(),
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
  };
}

const fmt = (n: number, digits = 1) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-bench-'));
  const [latchkeyPort, helloPort] = [await freePort(), await freePort()];
  const server = startProcess('src/main.ts', {
    LATCHKEY_TEST_MODE: '1',
    LATCHKEY_SIGNUPS_PER_IP_PER_HOUR: '1000000',
    LATCHKEY_DATA_DIR: dataDir,
    PORT: String(latchkeyPort),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  });
  const hello = startProcess('bench/hello-server.ts', { PORT: String(helloPort) });
  const base = `http://127.0.0.1:${latchkeyPort}`;
  try {
    await Promise.all([waitFor(`${base}/healthz`), waitFor(`http://127.0.0.1:${helloPort}/hello`)]);
    const lk = new Latchkey(base);
    await lk.syncClock();

    process.stderr.write(`enrolling ${ACCOUNTS} accounts …\n`);
    const accounts = await pool(
      4,
      Array.from({ length: ACCOUNTS }, (_, n) => () => lk.enroll(n)),
    );
    // The confirmation spent each account's current TOTP step: move to a fresh one.
    await lk.advance(30);

    process.stderr.write('hello-world …\n');
    const helloResult = await helloRun(`http://127.0.0.1:${helloPort}/hello`);

    process.stderr.write(`TOTP logins: ${TOTP_ROUNDS} rounds of ${ACCOUNTS} …\n`);
    const totpRuns: Run[] = [];
    for (let round = 0; round < TOTP_ROUNDS; round++) {
      const challenges = await pool(
        4,
        accounts.map((a) => () => lk.challenge(a.email)),
      );
      // The code is computed when the request is built, on the server's (test) clock.
      totpRuns.push(
        await loginRun(
          base,
          accounts.map((a, i) => () => ({ challenge: challenges[i], method: 'totp', code: lk.totp(a.secret) })),
        ),
      );
      await lk.advance(30); // one login per account per TOTP step (RFC 6238 §5.2)
    }
    const totp = sum(totpRuns);

    process.stderr.write(`backup-code logins: ${ACCOUNTS * 8} …\n`);
    // Interleaved: code k of every account, then code k+1, so concurrent requests hit different accounts.
    const pairs = Array.from({ length: 8 }, (_, k) =>
      accounts.map((a) => ({ email: a.email, code: a.codes[k] as string })),
    ).flat();
    const backupChallenges = await pool(
      4,
      pairs.map((p) => () => lk.challenge(p.email)),
    );
    const backup = await loginRun(
      base,
      pairs.map((p, i) => () => ({ challenge: backupChallenges[i], method: 'backup_code', code: p.code })),
    );

    await stop(server);
    await stop(hello);

    process.stderr.write('hashing designs in process …\n');
    const micro: Micro[] = [];
    for (const codes of [8, 16]) {
      micro.push(await oneHashDesign(codes, 40));
      micro.push(await classicDesign(codes, codes === 8 ? 8 : 4));
    }

    const m = machine();
    const helloRps = perSecond(helloResult);
    const rows = [
      ['Fastify hello-world (GET /hello)', helloRps, helloResult.requests, 1],
      ['TOTP login (POST /v1/sessions/verify)', perSecond(totp), totp.requests, perSecond(totp) / helloRps],
      [
        'backup-code login (POST /v1/sessions/verify)',
        perSecond(backup),
        backup.requests,
        perSecond(backup) / helloRps,
      ],
    ] as const;
    const httpTable = [
      '| run | requests/s | requests | ratio to hello-world |',
      '|---|---:|---:|---:|',
      ...rows.map(([name, rps, n, ratio]) => `| ${name} | ${fmt(rps)} | ${n} | ${ratio.toFixed(4)} |`),
    ].join('\n');
    const microTable = [
      '| design | stored codes | argon2id per wrong attempt | attempts/s | ms per attempt |',
      '|---|---:|---:|---:|---:|',
      ...micro.map(
        (r) =>
          `| ${r.design} | ${r.codes} | ${r.hashesPerAttempt} | ${fmt(r.attempts / r.seconds, 2)} | ${fmt((r.seconds * 1000) / r.attempts)} |`,
      ),
    ].join('\n');
    const machineTable = [
      '| | |',
      '|---|---|',
      `| nproc | ${m.nproc} |`,
      `| CPU | ${m.cpu} |`,
      `| node | ${m.node} |`,
      `| OS | ${m.platform} |`,
      `| memory | ${m.memory} |`,
    ].join('\n');

    process.stdout.write(`\n${machineTable}\n\n${httpTable}\n\n${microTable}\n`);
    const doc = `# Benchmarks

Produced by \`npm run bench\` (bench/run.ts) on ${new Date().toISOString().slice(0, 10)}; rerun it to refresh this page.

## Machine

Figures depend on the machine and on whatever else it runs (this one may be
shared): compare the ratios within one run rather than absolute numbers
across runs.

${machineTable}

## Logins over HTTP

A real Latchkey (\`node --import tsx src/main.ts\`, \`LATCHKEY_TEST_MODE=1\`, embedded SQLite in a
temp folder, \`LOG_LEVEL=warn\`) and a Fastify hello-world (bench/hello-server.ts), each in its own
process, driven by autocannon with ${CONNECTIONS} connections from the benchmark process. The hello-world
run lasts ${HELLO_SECONDS} s; each login run sends exactly as many requests as it has prepared logins
(autocannon \`amount\`), and every one of them must answer 200 or the benchmark fails.

- **TOTP login**: ${ACCOUNTS} enrolled accounts, ${TOTP_ROUNDS} rounds; in each round every account
  logs in once on a fresh password challenge, with the code for the current step computed when the
  request is built; the test clock then moves 30 s, since a TOTP step is accepted once (RFC 6238 §5.2).
  The figure is all logins over the summed run times.
- **Backup-code login**: the same accounts each redeem their 8 codes (${ACCOUNTS * 8} logins), interleaved
  across accounts. Each costs one argon2id (m=19 MiB, t=2, p=1) on the libuv thread pool, plus the
  conditional update, the audit row and the "a backup code was used" email in one transaction.
- Only the \`/v1/sessions/verify\` step is measured; the password step that makes each challenge
  (one more argon2id) is prepared before the run.

${httpTable}

## Backup-code attempt cost, in process

Real @node-rs/argon2 with the parameters of src/infra/hashing.ts, one attempt at a time, wrong codes
(an attacker's guesses, and the classic design's worst case: it must try every stored code).

- **One argon2id + indexed lookup** (ADR 0001): argon2id(code, per-set salt, secret = pepper), then
  \`SELECT … WHERE set_id = ? AND code_hash = ? AND used_at IS NULL\` on an indexed SQLite table.
- **Classic**: each code stored as its own salted argon2id PHC string; an attempt runs argon2id verify
  against each stored code until one matches.

${microTable}

The one-hash design costs the same whatever the number of codes; the classic one grows linearly with it
(8 codes: 8 slow hashes per wrong attempt; 16 codes: 16), which also makes every failed attempt an
amplified load on the server.
`;
    fs.writeFileSync(path.join(ROOT, 'docs', 'benchmarks.md'), doc);
    process.stdout.write('\nwrote docs/benchmarks.md\n');
  } finally {
    await stop(server);
    await stop(hello);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
