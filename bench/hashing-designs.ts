// Backup-code attempt cost, in process (issue 4): one argon2id + an indexed
// lookup (ADR 0001) beside the classic design that verifies against every
// stored code. Real @node-rs/argon2 with the production parameters.
import crypto from 'node:crypto';
import SQLite from 'better-sqlite3';
import { argon2Hasher, PRODUCTION_ARGON2 } from '../src/infra/hashing.ts';
import { cryptoTokens } from '../src/infra/tokens.ts';

const { hashBackupCode, hashPassword, verifyPassword } = argon2Hasher(PRODUCTION_ARGON2);

export interface Micro {
  design: string;
  codes: number;
  attempts: number;
  seconds: number;
  hashesPerAttempt: number;
}

/** ONE argon2id(code, set salt, pepper), then an indexed equality lookup (src/app/second-factor-gate.ts). */
export async function oneHashDesign(codes: number, attempts: number): Promise<Micro> {
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
export async function classicDesign(codes: number, attempts: number): Promise<Micro> {
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

/**
 * The ceiling a backup-code login can reach: bare argon2id (the backup-code
 * hash, production parameters) with `inFlight` hashes at a time, as the
 * server's thread pool runs them, for `seconds`. Hashes per second.
 */
export async function bareArgon2(inFlight: number, seconds: number): Promise<number> {
  const salt = cryptoTokens.newSalt();
  const pepper = crypto.randomBytes(32);
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  const started = performance.now();
  const worker = async () => {
    while (performance.now() < deadline) {
      await hashBackupCode(String(crypto.randomInt(1_000_000)), salt, pepper);
      done += 1;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return done / ((performance.now() - started) / 1000);
}
