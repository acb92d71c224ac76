// The peer (`--peer better-auth`): better-auth's twoFactor login path, run from
// its own package in bench/peers/better-auth (pinned there with its lockfile,
// installed on demand with `npm ci --prefix`; never a dependency of Latchkey).
// The measured request is the second step of a sign-in: POST
// /api/auth/two-factor/verify-totp or /verify-backup-code carrying the
// two-factor cookie that POST /api/auth/sign-in/email set, which consumes the
// challenge and issues a session, as Latchkey's /v1/sessions/verify does.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateTotp, secretFromBase32 } from '../src/domain/totp.ts';
import type { PreparedRequest } from './load.ts';
import { freePort, pool, ROOT, runToEnd, startProcess, stop, waitFor } from './processes.ts';

const PEER_DIR = path.join(ROOT, 'bench', 'peers', 'better-auth');
const PASSWORD = 'bench password, long enough';

export function peerVersion(): string {
  const manifest = path.join(PEER_DIR, 'node_modules', 'better-auth', 'package.json');
  return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** `npm ci` in the peer's folder, once. */
export async function installPeer(): Promise<void> {
  // npm writes node_modules/.package-lock.json last: an interrupted install is redone.
  if (fs.existsSync(path.join(PEER_DIR, 'node_modules', '.package-lock.json'))) return;
  process.stderr.write('installing the better-auth peer (npm ci --prefix bench/peers/better-auth) …\n');
  await runToEnd('npm', ['ci', '--prefix', PEER_DIR, '--no-audit', '--no-fund']);
}

interface User {
  readonly email: string;
  readonly secret: Uint8Array;
  readonly codes: string[];
}

export class BetterAuthPeer {
  /** The server; its routes are under /api/auth. */
  origin = '';
  #origin = '';
  get base(): string {
    return `${this.origin}/api/auth`;
  }
  #child: ChildProcess | undefined;
  readonly #dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-bench-ba-'));
  #users: User[] = [];
  #nextCode = 0;
  #nextUser = 0;

  async start(synchronous: string): Promise<void> {
    const port = await freePort();
    this.#child = startProcess(path.join(PEER_DIR, 'server.mjs'), {
      PORT: String(port),
      BA_DB: path.join(this.#dir, 'better-auth.sqlite'),
      BA_SYNC: synchronous,
    });
    this.#origin = `http://127.0.0.1:${port}`;
    this.origin = this.#origin;
    await waitFor(`${this.base}/ok`);
  }

  /** The server's process id (CPU per request, bench/cpu.ts). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  async #post(route: string, body: object, cookie = '') {
    const reply = await fetch(this.base + route, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: this.#origin, ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    });
    const text = await reply.text();
    if (!reply.ok) throw new Error(`better-auth ${route}: ${reply.status} ${text.slice(0, 200)}`);
    const cookies = reply.headers
      .getSetCookie()
      .map((c) => c.split(';')[0] as string)
      .filter((c) => !c.endsWith('='));
    // biome-ignore lint/suspicious/noExplicitAny: JSON answers of the peer.
    return { cookie: cookies.join('; '), body: JSON.parse(text) as any };
  }

  /** Sign-up, enable (TOTP secret and ten backup codes), confirm with a code: an enrolled user. */
  async enroll(count: number): Promise<void> {
    this.#users = await pool(
      4,
      Array.from({ length: count }, (_, n) => async () => {
        const email = `peer-${n}@example.com`;
        const session = (await this.#post('/sign-up/email', { email, password: PASSWORD, name: `peer ${n}` })).cookie;
        const enabled = await this.#post('/two-factor/enable', { password: PASSWORD }, session);
        const secret = secretFromBase32(new URL(enabled.body.totpURI).searchParams.get('secret') ?? '');
        await this.#post('/two-factor/verify-totp', { code: generateTotp({ secret }, Date.now()) }, session);
        return { email, secret, codes: enabled.body.backupCodes as string[] };
      }),
    );
  }

  /** The password step: the two-factor cookie a login path request carries. */
  async #signIns(users: User[]): Promise<string[]> {
    return pool(
      4,
      users.map((user) => async () => {
        const reply = await this.#post('/sign-in/email', { email: user.email, password: PASSWORD });
        if (!reply.body.twoFactorRedirect) throw new Error('better-auth: sign-in did not ask for the second factor');
        return reply.cookie;
      }),
    );
  }

  async totpLogins(count: number): Promise<Array<() => PreparedRequest>> {
    const users = Array.from({ length: count }, () => this.#users[this.#nextUser++ % this.#users.length] as User);
    const cookies = await this.#signIns(users);
    return users.map((user, i) => () => ({
      headers: { cookie: cookies[i] as string, origin: this.#origin },
      body: { code: generateTotp({ secret: user.secret }, Date.now()) },
    }));
  }

  async backupLogins(count: number): Promise<Array<() => PreparedRequest>> {
    const pairs: Array<{ user: User; code: string }> = [];
    for (let i = 0; i < count; i += 1) {
      const n = this.#nextCode++;
      const user = this.#users[n % this.#users.length] as User;
      const code = user.codes[Math.floor(n / this.#users.length)];
      if (!code) throw new Error('better-auth: out of backup codes; enroll more users');
      pairs.push({ user, code });
    }
    const cookies = await this.#signIns(pairs.map((p) => p.user));
    return pairs.map((pair, i) => () => ({
      headers: { cookie: cookies[i] as string, origin: this.#origin },
      body: { code: pair.code },
    }));
  }

  async close(): Promise<void> {
    await stop(this.#child);
    fs.rmSync(this.#dir, { recursive: true, force: true });
  }
}
