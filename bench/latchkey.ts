// A Latchkey under test: one database (SQLite file or a PostgreSQL database),
// seeded by `latchkey seed`, served by one or more real server processes
// (test mode, the run's LOG_LEVEL) that share it, its keyring and Redis. The
// benchmark process opens the same database through the app's own composition
// to issue login challenges the way the password step does (issueChallenge):
// the password step is not what is measured, and an argon2id per prepared login
// would dominate the run.

import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { issueChallenge } from '../src/app/sessions.ts';
import {
  hasUsableBackupCodes,
  type SeedManifest,
  seededBackupCodes,
  seededDeviceToken,
  seededEmail,
  seededTotpSecret,
} from '../src/cli/seed.ts';
import { TestClock } from '../src/clock.ts';
import { type Composition, compose } from '../src/composition.ts';
import { loadConfig } from '../src/config.ts';
import { generateTotp } from '../src/domain/totp.ts';
import { DEVICE_COOKIE } from '../src/http/cookie-names.ts';
import { newKeyEntry } from '../src/infra/keyring.ts';
import { createLogger } from '../src/infra/logger.ts';
import { findAccountByEmail } from '../src/storage/accounts-repository.ts';
import type { PreparedRequest } from './load.ts';
import { freePort, runToEnd, startProcess, stop, waitFor } from './processes.ts';

export interface LatchkeyOptions {
  readonly accounts: number;
  /** Accounts whose backup codes sign in (each gives 8 backup-code logins). */
  readonly usableBackupCodes: number;
  readonly instances: number;
  /**
   * SQLite only: a folder keeping a copy of the seeded database, reused by later runs with
   * the same account count (a million accounts take many minutes to seed on a busy machine).
   */
  readonly template?: string;
  /** LATCHKEY_SQLITE_SYNCHRONOUS for the instances. */
  readonly synchronous: string;
  /** LOG_LEVEL for the instances (their output goes nowhere, but every line is still made and written). */
  readonly logLevel: string;
  /** PostgreSQL (shared by the instances, with Redis); SQLite in a temp folder otherwise. */
  readonly databaseUrl?: string;
  readonly redisUrl?: string;
}

/**
 * Copies a file and waits until the copy is on disk: a seeded million accounts
 * are 3 GiB, and left to the kernel's writeback they would be flushed while
 * the cases run, slowing every fsync of the measured logins.
 */
function copyToDisk(from: string, to: string): void {
  fs.copyFileSync(from, to, fs.constants.COPYFILE_FICLONE);
  const fd = fs.openSync(to, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** The manifest file `seed --manifest` writes: the manifest, and what seeding took. */
type Seeded = SeedManifest & { seconds: number; cpuSeconds: number };

const ORIGIN = { ip: '127.0.0.1', userAgent: 'latchkey-bench' };
export const SERVER = 'dist/server/start.cjs';

export class LatchkeyDeployment {
  readonly bases: string[] = [];
  readonly #dirs: string[] = [];
  readonly #env: Record<string, string>;
  readonly #children: ChildProcess[] = [];
  #manifest: SeedManifest | undefined;
  #key = Buffer.alloc(0);
  #app: Composition | undefined;
  readonly #clock = new TestClock();
  readonly #ids = new Map<number, string>();
  #nextBackup = 0;
  #backupPairs: Array<{ index: number; code: string }> = [];

  constructor(readonly options: LatchkeyOptions) {
    this.#env = {
      LATCHKEY_TEST_MODE: '1',
      // One keyring for the seed, the instances and the benchmark: the secrets are encrypted with it.
      LATCHKEY_SECRET_KEYS: newKeyEntry('bench1'),
      LOG_LEVEL: options.logLevel,
      LATCHKEY_SQLITE_SYNCHRONOUS: options.synchronous,
      HOST: '127.0.0.1',
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
      ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    };
  }

  /** The server processes' ids, in instance order (for CPU per request, bench/cpu.ts). */
  get pids(): Array<number | undefined> {
    return this.#children.map((child) => child.pid);
  }

  get manifest(): SeedManifest {
    if (!this.#manifest) throw new Error('not seeded');
    return this.#manifest;
  }

  /** The first instance's data folder (the SQLite file). */
  get dataDir(): string {
    return this.#dataDir(0);
  }

  #dataDir(instance: number): string {
    let dir = this.#dirs[instance];
    if (!dir) {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-bench-'));
      this.#dirs[instance] = dir;
    }
    return dir;
  }

  /** `npm run latchkey -- seed`, as an operator runs it (or a copy of an earlier run's, see `template`). */
  async seed(): Promise<{ seconds: number; cpuSeconds: number }> {
    const manifestFile = path.join(this.#dataDir(0), 'seed-manifest.json');
    const database = path.join(this.#dataDir(0), 'latchkey.sqlite');
    const template = this.options.template;
    const kept = template ? path.join(template, 'seed-manifest.json') : undefined;
    let copied = false;
    if (template && kept && fs.existsSync(kept)) {
      const copy = JSON.parse(fs.readFileSync(kept, 'utf8')) as Seeded & {
        secretKeys: string;
        knownBrowsers?: boolean;
      };
      // A copy from before seeded accounts knew a browser would make every login a new-browser one.
      if (copy.accounts === this.options.accounts && copy.knownBrowsers === true) {
        process.stderr.write(`copying the seeded database from ${template} …\n`);
        copyToDisk(path.join(template, 'latchkey.sqlite'), database);
        this.#env.LATCHKEY_SECRET_KEYS = copy.secretKeys;
        fs.writeFileSync(manifestFile, JSON.stringify(copy));
        copied = true;
      }
    }
    if (!copied) await this.#runSeed(manifestFile);
    const seeded = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Seeded;
    this.#manifest = seeded;
    this.#key = Buffer.from(this.manifest.key, 'base64url');
    if (template && kept && !fs.existsSync(kept)) {
      fs.mkdirSync(template, { recursive: true, mode: 0o700 });
      copyToDisk(database, path.join(template, 'latchkey.sqlite'));
      fs.writeFileSync(
        kept,
        JSON.stringify({ ...seeded, secretKeys: this.#env.LATCHKEY_SECRET_KEYS, knownBrowsers: true }),
        {
          mode: 0o600,
        },
      );
    }
    this.#usableCodes();
    return { seconds: seeded.seconds, cpuSeconds: seeded.cpuSeconds };
  }

  async #runSeed(manifestFile: string): Promise<void> {
    await runToEnd(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'seed',
        '--accounts',
        String(this.options.accounts),
        '--usable-backup-codes',
        String(this.options.usableBackupCodes),
        '--manifest',
        manifestFile,
      ],
      { ...this.#env, LATCHKEY_DATA_DIR: this.#dataDir(0) },
    );
  }

  #usableCodes(): void {
    const usable: Array<{ index: number; codes: string[] }> = [];
    for (let index = 0; hasUsableBackupCodes(this.manifest, index); index += this.manifest.stride) {
      usable.push({ index, codes: seededBackupCodes(this.#key, index) });
    }
    // Code k of every account, then code k+1: concurrent requests hit different accounts.
    for (let k = 0; k < (usable[0]?.codes.length ?? 0); k += 1) {
      for (const { index, codes } of usable) this.#backupPairs.push({ index, code: codes[k] as string });
    }
  }

  async start(): Promise<void> {
    for (let instance = 0; instance < this.options.instances; instance += 1) {
      const port = await freePort();
      this.#children.push(
        // What `npm start` runs: the compiled server (run.ts builds it first).
        startProcess(SERVER, { ...this.#env, LATCHKEY_DATA_DIR: this.#dataDir(instance), PORT: String(port) }),
      );
      this.bases.push(`http://127.0.0.1:${port}`);
    }
    await Promise.all(this.bases.map((base) => waitFor(`${base}/healthz`)));
    const config = loadConfig({ ...process.env, ...this.#env, LATCHKEY_DATA_DIR: this.#dataDir(0), REDIS_URL: '' });
    this.#app = await compose(config, createLogger('silent'), { clock: this.#clock });
    await this.#syncClock();
  }

  async #syncClock(): Promise<void> {
    const reply = await fetch(`${this.bases[0]}/v1/test/clock`);
    const body = (await reply.json()) as { now: string };
    this.#clock.set(new Date(body.now));
  }

  /** Moves every instance's test clock (a TOTP step is accepted once per account, RFC 6238 §5.2). */
  async advance(seconds: number): Promise<void> {
    for (const base of this.bases) {
      const reply = await fetch(`${base}/v1/test/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ advanceSeconds: seconds }),
      });
      if (!reply.ok) throw new Error(`advance clock: ${reply.status}`);
    }
    await this.#syncClock();
  }

  async #accountId(index: number): Promise<string> {
    let id = this.#ids.get(index);
    if (!id) {
      const account = await findAccountByEmail(this.#ctx.storage.db, seededEmail(this.manifest, index));
      if (!account) throw new Error(`seeded account ${index} is missing`);
      id = account.id;
      this.#ids.set(index, id);
    }
    return id;
  }

  get #ctx() {
    if (!this.#app) throw new Error('not started');
    return this.#app.ctx;
  }

  async #challenge(index: number): Promise<string> {
    const issued = await issueChallenge(this.#ctx, this.#ctx.storage.db, await this.#accountId(index), ORIGIN);
    return issued.token;
  }

  /** `count` accounts spread over the whole seeded range (the same ones every round). */
  sample(count: number): number[] {
    const total = this.manifest.accounts;
    if (count >= total) return Array.from({ length: total }, (_, i) => i);
    const step = total / count;
    return Array.from({ length: count }, (_, i) => Math.floor(i * step + step / 2));
  }

  /**
   * One TOTP login per account; call `advance(30)` before the same accounts log in again. From a
   * 'known' browser, each sends the device cookie of the browser its account was seeded with; from a
   * 'new' one, no cookie: a new-browser sign-in (remembered, and an alert email queued).
   */
  async totpLogins(indices: number[], browser: 'known' | 'new'): Promise<Array<() => PreparedRequest>> {
    const challenges: string[] = [];
    for (const index of indices) challenges.push(await this.#challenge(index));
    return indices.map((index, i) => {
      const secret = seededTotpSecret(this.#key, index);
      const headers: Record<string, string> =
        browser === 'known' ? { cookie: `${DEVICE_COOKIE}=${seededDeviceToken(this.#key, index)}` } : {};
      return () => ({
        headers,
        body: { challenge: challenges[i], method: 'totp', code: generateTotp({ secret }, this.#clock.now().getTime()) },
      });
    });
  }

  /** The next `count` unused backup codes (fails when the seed has too few). */
  async backupLogins(count: number): Promise<Array<() => PreparedRequest>> {
    const pairs = this.#backupPairs.slice(this.#nextBackup, this.#nextBackup + count);
    if (pairs.length < count) throw new Error(`only ${pairs.length} usable backup codes left; seed more`);
    this.#nextBackup += count;
    const challenges: string[] = [];
    for (const pair of pairs) challenges.push(await this.#challenge(pair.index));
    return pairs.map((pair, i) => () => ({
      body: { challenge: challenges[i], method: 'backup_code', code: pair.code },
    }));
  }

  /** The same TOTP code on `count` challenges of one account, spread over the instances: how many sign in. */
  async raceOneCode(index: number, count: number): Promise<number> {
    const challenges: string[] = [];
    for (let i = 0; i < count; i += 1) challenges.push(await this.#challenge(index));
    const code = generateTotp({ secret: seededTotpSecret(this.#key, index) }, this.#clock.now().getTime());
    const answers = await Promise.all(
      challenges.map((challenge, i) =>
        fetch(`${this.bases[i % this.bases.length]}/v1/sessions/verify`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ challenge, method: 'totp', code }),
        }).then((r) => r.status),
      ),
    );
    return answers.filter((status) => status === 200).length;
  }

  async close(): Promise<void> {
    await Promise.all(this.#children.map((child) => stop(child)));
    await this.#app?.close();
    for (const dir of this.#dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function randomName(prefix: string): string {
  return `${prefix}_${crypto.randomBytes(4).toString('hex')}`;
}
