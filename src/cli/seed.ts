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
}

/** SQLite page cache while seeding, KiB. */
const SEED_CACHE_KIB = 512 * 1024;

/** Accounts per multi-row statement: keeps every INSERT under SQLite's 32,766 bound parameters. */
const ROWS_PER_STATEMENT = 500;

async function inChunks<T>(rows: readonly T[], insert: (chunk: readonly T[]) => Promise<void>): Promise<void> {
  for (let at = 0; at < rows.length; at += ROWS_PER_STATEMENT) await insert(rows.slice(at, at + ROWS_PER_STATEMENT));
}

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

/** What every account of a run shares. */
interface SeedRun {
  readonly ctx: AppContext;
  readonly manifest: SeedManifest;
  readonly key: Buffer;
  readonly passwordHash: string;
  readonly pepperVersion: string;
  readonly pepper: Buffer;
  readonly createdAt: Date;
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
  };
  const batch = options.batch ?? 10_000;
  // SQLite's default page cache (2 MiB) spills a 10k-account transaction to the WAL again and
  // again once the random-key indexes outgrow it: a larger one for this connection while it seeds.
  const sqlite = ctx.storage.dialect === 'sqlite';
  const cacheBefore = sqlite
    ? (await sql<{ cache_size: number }>`PRAGMA cache_size`.execute(ctx.storage.db)).rows[0]?.cache_size
    : undefined;
  if (sqlite) await sql`PRAGMA cache_size = ${sql.raw(String(-SEED_CACHE_KIB))}`.execute(ctx.storage.db);
  try {
    for (let start = 0; start < options.accounts; start += batch) {
      const end = Math.min(options.accounts, start + batch);
      await seedBatch(run, start, end);
      options.onProgress?.(end);
    }
  } finally {
    if (cacheBefore !== undefined) {
      await sql`PRAGMA cache_size = ${sql.raw(String(cacheBefore))}`.execute(ctx.storage.db);
    }
  }
  await appendAudit(ctx.storage.db, {
    accountId: null,
    event: 'accounts_seeded',
    details: { accounts: options.accounts, emailPrefix: manifest.emailPrefix, usableBackupCodes: usable },
    at: ctx.clock.now().toISOString(),
  });
  return manifest;
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
  for (let index = start; index < end; index += 1) {
    const accountId = ctx.tokens.newId();
    accounts.push({
      id: accountId,
      email: seededEmail(manifest, index),
      passwordHash: run.passwordHash,
      role: 'user',
      createdAt: run.createdAt,
    });
    const bindingId = ctx.tokens.newId();
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
    const setId = ctx.tokens.newId();
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
      const row: BackupCodeRow = {
        id: ctx.tokens.newId(),
        set_id: setId,
        position,
        code_hash: crypto.randomBytes(32).toString('base64url'),
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
    await inChunks(accounts, (chunk) => insertAccounts(trx, chunk));
    await inChunks(bindings, (chunk) => insertTotpBindings(trx, chunk));
    await inChunks(sets, (chunk) => insertBackupCodeSets(trx, chunk, []));
    await inChunks(codes, (chunk) => insertBackupCodeSets(trx, [], chunk));
    await inChunks(browsers, (chunk) => insertKnownBrowsers(trx, chunk));
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
