// The peer of `npm run bench -- --peer better-auth` (issue 16, item 5):
// better-auth with its twoFactor plugin on SQLite (better-sqlite3, WAL), served
// by better-auth's own Node handler. Plain JavaScript in its own package, so
// Latchkey never depends on it.
//
// Settings that matter for the comparison (docs/benchmarks.md states them):
// - PRAGMA synchronous = BA_SYNC, the same setting as Latchkey's SQLite in the run;
// - better-auth's request rate limiter off (`rateLimit.enabled: false`; it is
//   off by default outside production, and its twoFactor rule of 3 requests per
//   10 s would refuse a benchmark). Latchkey has no request rate limit on the
//   measured step either: both sides keep their failure counters (better-auth's
//   account lockout, Latchkey's attempt budget), which successful logins never reach;
// - the password step is NOT measured on either side, so better-auth's password
//   hash is swapped for a fast one (SHA-256) to prepare sign-ins quickly.
import crypto from 'node:crypto';
import http from 'node:http';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';
import { twoFactor } from 'better-auth/plugins';
import Database from 'better-sqlite3';

const port = Number(process.env.PORT ?? 0);
const file = process.env.BA_DB;
if (!file) throw new Error('BA_DB (the SQLite file) is required');
const sync = process.env.BA_SYNC ?? 'FULL';

const database = new Database(file);
database.pragma('journal_mode = WAL');
database.pragma(`synchronous = ${sync}`);

const sha = (password) => crypto.createHash('sha256').update(password).digest('hex');
const baseURL = `http://127.0.0.1:${port}`;
const options = {
  appName: 'bench',
  baseURL,
  secret: crypto.randomBytes(32).toString('hex'),
  database,
  emailAndPassword: {
    enabled: true,
    password: { hash: async (p) => sha(p), verify: async ({ hash, password }) => hash === sha(password) },
  },
  rateLimit: { enabled: false },
  telemetry: { enabled: false },
  plugins: [twoFactor({ issuer: 'bench' })],
};
const { runMigrations } = await getMigrations(options);
await runMigrations();
const auth = betterAuth(options);
const server = http.createServer(toNodeHandler(auth));
server.listen(port, '127.0.0.1', () => {
  const actual = database.pragma('synchronous', { simple: true });
  process.stdout.write(`listening ${baseURL} synchronous=${actual}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
