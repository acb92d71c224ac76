// `seed --accounts N` (issue 16, item 6): bulk-creates enrolled accounts for
// load and scale measurements (`npm run bench`), test mode only. Each account
// gets what an enrolled account has on the login path: an active TOTP binding
// (its secret encrypted by the keyring, bound to the row, as confirm-authenticator
// stores it) and a live set of eight backup codes. Rows go in with multi-row
// INSERTs, thousands of accounts per transaction, so a million take minutes.
//
// What the data is (docs/benchmarks.md says it too):
// - every seeded account has the same password, hashed once per run (an argon2id
//   per account would take hours);
// - the TOTP secret of account i is derived from a random per-run key
//   (HMAC-SHA-256(key, "totp:i"), 20 bytes), so whoever holds the manifest can
//   compute any account's codes;
// - the backup codes of every `stride`-th account (`--usable-backup-codes M` of
//   them) are derived from the key the same way and hashed with the real
//   argon2id, salt and pepper, so they sign in; every other account's eight
//   code rows hold random 32-byte values: distinct per account, in the shape of
//   real hashes, and matching no code anyone knows (as if its sheet were lost);
// - ids are random v4 UUIDs like enrolment's, drawn in ascending order (AscendingUuids), so
//   the tables and their indexes come out as compact as after a rebuild (VACUUM);
// - each account knows one browser already (a `known_browsers` row for the
//   device cookie derived from the key as "device:i"): a login sending that
//   cookie is a returning browser, as most real logins are, and raises no
//   new-browser alert;
// - no audit row per account: one `accounts_seeded` entry for the run.
// The manifest (`--manifest`, written owner-only) holds the password and the key.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { sql } from 'kysely';
import type { AppContext } from '../app/context.ts';
import { encryptTotpSecret } from '../app/totp-secrets.ts';
import { DomainError } from '../domain/errors.ts';
import { BACKUP_CODE_DIGITS, BACKUP_CODES_PER_SET } from '../domain/policy.ts';
import { hashToken } from '../infra/tokens.ts';
import { insertAccounts, type NewAccount } from '../storage/accounts-repository.ts';
import { type BackupCodeRow, type BackupCodeSetRow, insertBackupCodeSets } from '../storage/backup-codes-repository.ts';
import { sqliteFile } from '../storage/database.ts';
import { appendAudit } from '../storage/events-repository.ts';
import { insertKnownBrowsers, type KnownBrowserRow } from '../storage/known-browsers-repository.ts';
import { insertTotpBindings, type TotpBindingRow } from '../storage/totp-repository.ts';

/** What the bench needs to sign in as seeded accounts. */
export interface SeedManifest {
  readonly emailPrefix: string;
  readonly accounts: number;
  readonly password: string;
  /** base64url: the per-run key the TOTP secrets and usable backup codes derive from. */
  readonly key: string;
  /** Accounts 0, stride, 2·stride, … (`usableBackupCodes` of them) have codes that sign in. */
  readonly stride: number;
  readonly usableBackupCodes: number;
}

export function seededEmail(manifest: Pick<SeedManifest, 'emailPrefix'>, index: number): string {
  return `${manifest.emailPrefix}-${index}@example.com`;
}

function derive(key: Buffer, label: string): Buffer {
  return crypto.createHmac('sha256', key).update(label).digest();
}

export function seededTotpSecret(key: Buffer, index: number): Buffer {
  return derive(key, `totp:${index}`).subarray(0, 20);
}

/** The device cookie (`latchkey_device`) of the browser account `index` already knows. */
export function seededDeviceToken(key: Buffer, index: number): string {
  return derive(key, `device:${index}`).toString('base64url');
}

/** Accounts [start, start + ids.length) each know the browser of seededDeviceToken. */
function knownBrowserRows(key: Buffer, start: number, ids: readonly string[], at: string): KnownBrowserRow[] {
  return ids.map((id, i) => ({
    account_id: id,
    browser_hash: hashToken(seededDeviceToken(key, start + i)),
    first_seen_at: at,
    last_seen_at: at,
  }));
}

/** Eight distinct codes of account `index` (only meaningful for the usable ones). */
export function seededBackupCodes(key: Buffer, index: number): string[] {
  const codes = new Set<string>();
  for (let n = 0; codes.size < BACKUP_CODES_PER_SET; n += 1) {
    const value = derive(key, `code:${index}:${n}`).readUInt32BE(0) % 10 ** BACKUP_CODE_DIGITS;
    codes.add(String(value).padStart(BACKUP_CODE_DIGITS, '0'));
  }
  return [...codes];
}

export function hasUsableBackupCodes(manifest: SeedManifest, index: number): boolean {
  return index % manifest.stride === 0 && index / manifest.stride < manifest.usableBackupCodes;
}

interface SeedOptions {
  readonly accounts: number;
  readonly usableBackupCodes: number;
  readonly emailPrefix?: string;
  /** Accounts per transaction. */
  readonly batch?: number;
  readonly onProgress?: (done: number) => void;
  /** Told how SQLite was set while seeding (say it where the operator sees it). */
  readonly onNote?: (line: string) => void;
}

/** SQLite page cache while seeding, KiB. */
const SEED_CACHE_KIB = 512 * 1024;

/** Hashes with at most `limit` in flight (the thread pool's width). */
async function hashAll(tasks: Array<() => Promise<string>>, limit: number): Promise<string[]> {
  const out: string[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < tasks.length; i = next++) out[i] = await (tasks[i] as () => Promise<string>)();
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}

/** Uniform random numbers in [0, 1) from the CSPRNG, drawn 4,096 at a time. */
class Uniforms {
  #pool = Buffer.alloc(0);
  #at = 0;

  next(): number {
    if (this.#at >= this.#pool.length) {
      this.#pool = crypto.randomBytes(8 * 4096);
      this.#at = 0;
    }
    const value = Number(this.#pool.readBigUInt64BE(this.#at) >> 11n) / 2 ** 53;
    this.#at += 8;
    return value;
  }
}

/**
 * `count` random v4 UUIDs in ascending order: as a set, distributed exactly like `count`
 * crypto.randomUUID() calls sorted (the sequential order-statistics method: the next is the
 * least of the remaining uniforms above the last, 48 bits of it; the other 74 random bits are
 * randomUUID's). Each index on an id column then grows at its end, as after a rebuild: random
 * ids in random order made every batch rewrite pages all over the indexes, and a million
 * accounts spent most of their time there.
 */
export class AscendingUuids {
  #left: number;
  #at = 0;
  readonly #uniforms = new Uniforms();

  constructor(count: number) {
    this.#left = count;
  }

  next(): string {
    if (this.#left <= 0) throw new Error('AscendingUuids: more ids than announced');
    this.#at += (1 - this.#at) * -Math.expm1(Math.log(1 - this.#uniforms.next()) / this.#left);
    this.#left -= 1;
    const high = Math.min(Math.floor(this.#at * 2 ** 48), 2 ** 48 - 1)
      .toString(16)
      .padStart(12, '0');
    return `${high.slice(0, 8)}-${high.slice(8)}${crypto.randomUUID().slice(13)}`;
  }
}

/** Where the ids of a run come from, one ascending sequence per table. */
interface SeedIds {
  readonly accounts: AscendingUuids;
  readonly bindings: AscendingUuids;
  readonly sets: AscendingUuids;
  readonly codes: AscendingUuids;
}

/** What every account of a run shares. */
interface SeedRun {
  readonly ctx: AppContext;
  readonly manifest: SeedManifest;
  readonly key: Buffer;
  readonly passwordHash: string;
  readonly pepperVersion: string;
  readonly pepper: Buffer;
  readonly createdAt: Date;
  readonly ids: SeedIds;
}

export async function seedAccounts(ctx: AppContext, options: SeedOptions): Promise<SeedManifest> {
  if (!ctx.config.testMode) {
    throw new DomainError('forbidden', 'seed writes accounts with a known password: LATCHKEY_TEST_MODE=1 only.');
  }
  const key = crypto.randomBytes(32);
  const password = crypto.randomBytes(18).toString('base64url');
  const usable = Math.min(options.usableBackupCodes, options.accounts);
  const manifest: SeedManifest = {
    emailPrefix: options.emailPrefix ?? `seed-${crypto.randomBytes(4).toString('hex')}`,
    accounts: options.accounts,
    password,
    key: key.toString('base64url'),
    stride: usable > 0 ? Math.max(1, Math.floor(options.accounts / usable)) : options.accounts + 1,
    usableBackupCodes: usable,
  };
  const pepperVersion = ctx.keyring.currentVersion;
  const run: SeedRun = {
    ctx,
    manifest,
    key,
    passwordHash: await ctx.hasher.hashPassword(password),
    pepperVersion,
    pepper: ctx.keyring.derive(pepperVersion, 'backup-code-pepper'),
    createdAt: ctx.clock.now(),
    ids: {
      accounts: new AscendingUuids(options.accounts),
      bindings: new AscendingUuids(options.accounts),
      sets: new AscendingUuids(options.accounts),
      codes: new AscendingUuids(options.accounts * BACKUP_CODES_PER_SET),
    },
  };
  const batch = options.batch ?? 10_000;
  const restore = ctx.storage.dialect === 'sqlite' ? await sqliteSeedingMode(ctx, options.onNote) : undefined;
  try {
    for (let start = 0; start < options.accounts; start += batch) {
      const end = Math.min(options.accounts, start + batch);
      await seedBatch(run, start, end);
      options.onProgress?.(end);
    }
  } finally {
    await restore?.();
  }
  await appendAudit(ctx.storage.db, {
    accountId: null,
    event: 'accounts_seeded',
    details: { accounts: options.accounts, emailPrefix: manifest.emailPrefix, usableBackupCodes: usable },
    at: ctx.clock.now().toISOString(),
  });
  return manifest;
}

/** `PRAGMA synchronous` answers a number. */
const SYNCHRONOUS_NAMES = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];

async function pragma(ctx: AppContext, name: string, value?: string | number): Promise<string | number | undefined> {
  const statement = value === undefined ? `PRAGMA ${name}` : `PRAGMA ${name} = ${value}`;
  const row = (await sql<Record<string, string | number>>`${sql.raw(statement)}`.execute(ctx.storage.db)).rows[0];
  return row && Object.values(row)[0];
}

/**
 * SQLite while it seeds; returns what puts the configured settings back.
 * - A larger page cache for this connection: the default 2 MiB makes every batch re-read and
 *   re-write the pages of the random-key indexes (ids, emails, code hashes) again and again.
 * - A fresh file (no account yet) gets `journal_mode=OFF` and `synchronous=OFF`: each page goes
 *   to the file once per batch, with no WAL copy and no fsync per commit. A crash then can leave
 *   the file broken, which costs nothing on a file that held nothing: seed it again. Afterwards
 *   the configured journal mode and synchronous are set again and the file is fsynced once.
 * A file that already holds accounts keeps its settings: its data must survive a crash.
 */
async function sqliteSeedingMode(ctx: AppContext, onNote?: (line: string) => void): Promise<() => Promise<void>> {
  const cacheBefore = await pragma(ctx, 'cache_size');
  await pragma(ctx, 'cache_size', -SEED_CACHE_KIB);
  const fresh = !(await ctx.storage.db.selectFrom('accounts').select('id').limit(1).executeTakeFirst());
  const journalBefore = await pragma(ctx, 'journal_mode');
  const synchronousBefore = await pragma(ctx, 'synchronous');
  if (fresh) {
    await pragma(ctx, 'synchronous', 'OFF');
    // OFF would skip even this, but better-sqlite3's defensive mode refuses it.
    const journal = await pragma(ctx, 'journal_mode', 'MEMORY');
    onNote?.(`fresh SQLite file: seeding with journal_mode=${journal} and synchronous=OFF`);
  }
  return async () => {
    await pragma(ctx, 'cache_size', cacheBefore);
    if (!fresh) return;
    await pragma(ctx, 'synchronous', synchronousBefore);
    await pragma(ctx, 'journal_mode', journalBefore);
    const file = fs.openSync(sqliteFile(ctx.config.dataDir), 'r+');
    try {
      fs.fsyncSync(file);
    } finally {
      fs.closeSync(file);
    }
    const synchronous = SYNCHRONOUS_NAMES[Number(await pragma(ctx, 'synchronous'))];
    onNote?.(
      `then journal_mode=${await pragma(ctx, 'journal_mode')} and synchronous=${synchronous} on the connection as configured (${ctx.config.sqliteSynchronous}: at FULL and EXTRA the WAL is synced after each commit off the event loop), the file synced`,
    );
  };
}

/** Accounts [start, end) in one transaction; their usable codes hashed before it opens. */
async function seedBatch(run: SeedRun, start: number, end: number): Promise<void> {
  const { ctx, manifest, key } = run;
  const at = run.createdAt.toISOString();
  const accounts: NewAccount[] = [];
  const bindings: TotpBindingRow[] = [];
  const sets: BackupCodeSetRow[] = [];
  const codes: BackupCodeRow[] = [];
  const slowHashes: Array<{ row: BackupCodeRow; code: string; salt: Buffer }> = [];
  // The stand-in hashes of the whole batch from one call: a randomBytes per row cost more than the insert.
  const noise = crypto.randomBytes(32 * BACKUP_CODES_PER_SET * (end - start));
  for (let index = start; index < end; index += 1) {
    const accountId = run.ids.accounts.next();
    accounts.push({
      id: accountId,
      email: seededEmail(manifest, index),
      passwordHash: run.passwordHash,
      role: 'user',
      createdAt: run.createdAt,
    });
    const bindingId = run.ids.bindings.next();
    bindings.push({
      id: bindingId,
      account_id: accountId,
      secret_enc: encryptTotpSecret(ctx.keyring, bindingId, seededTotpSecret(key, index)),
      status: 'active',
      purpose: 'enroll',
      created_at: at,
      expires_at: at,
      confirmed_at: at,
      retired_at: null,
      last_step: null,
      drift_steps: 0,
      burnt_step: null,
    });
    const setId = run.ids.sets.next();
    const salt = ctx.tokens.newSalt();
    sets.push({
      id: setId,
      account_id: accountId,
      salt: salt.toString('base64url'),
      pepper_version: run.pepperVersion,
      issued_at: at,
      revoked_at: null,
      reveal_token_hash: null,
      reveal_codes_enc: null,
      reveal_expires_at: null,
    });
    const known = hasUsableBackupCodes(manifest, index) ? seededBackupCodes(key, index) : undefined;
    for (let position = 1; position <= BACKUP_CODES_PER_SET; position += 1) {
      const noiseAt = ((index - start) * BACKUP_CODES_PER_SET + position - 1) * 32;
      const row: BackupCodeRow = {
        id: run.ids.codes.next(),
        set_id: setId,
        position,
        code_hash: noise.toString('base64url', noiseAt, noiseAt + 32),
        used_at: null,
      };
      codes.push(row);
      const code = known?.[position - 1];
      if (code !== undefined) slowHashes.push({ row, code, salt });
    }
  }
  // The slow part before the transaction opens, as prepareBackupCodes does it.
  const hashWidth = Math.max(1, Number(process.env.UV_THREADPOOL_SIZE) || 4);
  const hashes = await hashAll(
    slowHashes.map(
      ({ code, salt }) =>
        () =>
          ctx.hasher.hashBackupCode(code, salt, run.pepper),
    ),
    hashWidth,
  );
  slowHashes.forEach(({ row }, i) => {
    row.code_hash = hashes[i] as string;
  });
  const browsers = knownBrowserRows(
    key,
    start,
    accounts.map((a) => a.id),
    at,
  );
  await ctx.storage.db.transaction().execute(async (trx) => {
    await insertAccounts(trx, accounts);
    await insertTotpBindings(trx, bindings);
    await insertBackupCodeSets(trx, sets, codes);
    await insertKnownBrowsers(trx, browsers);
  });
}

/** A one-line bar redrawn in place on a terminal; a line per tenth otherwise (logs, CI). */
export function progressBar(total: number, out: NodeJS.WriteStream = process.stderr): (done: number) => void {
  const started = performance.now();
  let lastTenth = -1;
  return (done) => {
    const seconds = (performance.now() - started) / 1000;
    const rate = done / Math.max(seconds, 1e-3);
    const eta = rate > 0 ? Math.round((total - done) / rate) : 0;
    const width = 30;
    const filled = Math.round((done / total) * width);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} accounts, ${Math.round(rate)}/s, ${done < total ? `${eta} s left` : `${seconds.toFixed(1)} s`}`;
    if (out.isTTY) {
      out.write(`\r${line}${done >= total ? '\n' : ''}`);
      return;
    }
    const tenth = Math.floor((done / total) * 10);
    if (tenth !== lastTenth) {
      lastTenth = tenth;
      out.write(`${line}\n`);
    }
  };
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('a whole number');
  return n;
}

export function seedCommand(withContext: <T>(work: (ctx: AppContext) => Promise<T>) => Promise<T>): Command {
  return new Command('seed')
    .description(
      'test mode only: bulk-create enrolled accounts (active TOTP binding, eight backup codes, one shared password) for benchmarks',
    )
    .requiredOption('--accounts <n>', 'how many accounts', positiveInteger)
    .option(
      '--usable-backup-codes <m>',
      'how many accounts (spread evenly) get backup codes that sign in',
      positiveInteger,
      0,
    )
    .option('--email-prefix <prefix>', 'emails are <prefix>-<i>@example.com')
    .option('--manifest <file>', 'write the password and the derivation key here (owner-only), for the bench')
    .action(
      async (options: { accounts: number; usableBackupCodes: number; emailPrefix?: string; manifest?: string }) => {
        const started = performance.now();
        const manifest = await withContext((ctx) =>
          seedAccounts(ctx, {
            accounts: options.accounts,
            usableBackupCodes: options.usableBackupCodes,
            ...(options.emailPrefix ? { emailPrefix: options.emailPrefix } : {}),
            onProgress: progressBar(options.accounts),
            onNote: (line) => process.stderr.write(`${line}\n`),
          }),
        );
        const seconds = (performance.now() - started) / 1000;
        const cpu = process.cpuUsage();
        const cpuSeconds = (cpu.user + cpu.system) / 1e6;
        if (options.manifest) {
          // How long it took rides along (the bench reports it); SeedManifest is what signs in.
          fs.writeFileSync(options.manifest, JSON.stringify({ ...manifest, seconds, cpuSeconds }), { mode: 0o600 });
        }
        process.stdout.write(
          `seeded ${manifest.accounts} accounts (${manifest.emailPrefix}-<i>@example.com) in ${seconds.toFixed(1)} s (${cpuSeconds.toFixed(1)} s of CPU)\n`,
        );
      },
    );
}
