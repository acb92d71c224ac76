// Starts a real Latchkey server (test mode, fresh data folder, free port) as a
// child process for the browser tests, and talks to its test-mode endpoints.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
export const repoRoot = new URL('../../../', import.meta.url).pathname;

export interface TestServer {
  baseUrl: string;
  /** The same server as http://localhost:<port>: WebAuthn needs a host name, not an IP. */
  localhostUrl: string;
  dataDir: string;
  /** What the server printed, for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function testEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    LATCHKEY_TEST_MODE: '1',
    LATCHKEY_SIGNUPS_PER_IP_PER_HOUR: '1000000',
    LATCHKEY_DATA_DIR: dataDir,
    NODE_ENV: 'test',
    ...extra,
  };
}

/** `env`: settings of this server (e.g. LATCHKEY_WITHDRAWAL_LOCK_HOURS). */
export async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'latchkey-e2e-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let log = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: repoRoot,
    env: testEnv(dataDir, { ...env, PORT: String(port), HOST: '127.0.0.1' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (b: Buffer) => {
    log += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    log += b.toString();
  });
  let exited: number | null = null;
  child.on('exit', (code) => {
    exited = code ?? -1;
  });

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited !== null) throw new Error(`server exited with ${exited} before /healthz answered:\n${log}`);
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not answer /healthz within 90 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    baseUrl,
    localhostUrl: `http://localhost:${port}`,
    dataDir,
    output: () => log,
    stop: async () => {
      if (exited === null) {
        const gone = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await gone;
        clearTimeout(timer);
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** `latchkey agent add` against the same data folder. */
export async function addAgent(server: TestServer, email: string, password: string): Promise<void> {
  await execFileAsync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'agent', 'add', '--email', email, '--password', password],
    {
      cwd: repoRoot,
      env: testEnv(server.dataDir),
      timeout: 60_000,
    },
  );
}

async function json<T>(res: Response): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status} ${res.url}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The server's test clock, in unix seconds. */
export async function serverNow(server: TestServer): Promise<number> {
  const { now } = await json<{ now: string }>(await fetch(`${server.baseUrl}/v1/test/clock`));
  return Math.floor(new Date(now).getTime() / 1000);
}

export async function advanceClock(server: TestServer, seconds: number): Promise<number> {
  const { now } = await json<{ now: string }>(
    await fetch(`${server.baseUrl}/v1/test/clock`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ advanceSeconds: seconds }),
    }),
  );
  return Math.floor(new Date(now).getTime() / 1000);
}

/** Plain API calls with a bearer token, for arranging state the journey does not click through. */
export async function apiCall<T>(server: TestServer, path: string, body?: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  return json<T>(
    await fetch(`${server.baseUrl}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
}

/** A multipart upload as the recovery flow sends it, with the ticket token. */
export async function uploadEvidence(
  server: TestServer,
  ticketId: string,
  ticketToken: string,
  kind: string,
  file: { name: string; type: string; data: Buffer },
): Promise<void> {
  const form = new FormData();
  form.append('kind', kind);
  form.append('file', new Blob([new Uint8Array(file.data)], { type: file.type }), file.name);
  const res = await fetch(`${server.baseUrl}/v1/recovery/tickets/${ticketId}/evidence`, {
    method: 'POST',
    headers: { Authorization: `Ticket ${ticketToken}` },
    body: form,
  });
  if (res.status !== 201) throw new Error(`evidence upload: ${res.status} ${await res.text()}`);
}

export async function ticketCall<T>(server: TestServer, path: string, ticketToken: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method: 'POST',
    headers: {
      Authorization: `Ticket ${ticketToken}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status} ${path}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface OutboxMessage {
  channel: 'email' | 'sms';
  to: string;
  subject: string;
  body: string;
  sentAt: string;
}

export async function outbox(server: TestServer): Promise<OutboxMessage[]> {
  return (await json<{ messages: OutboxMessage[] }>(await fetch(`${server.baseUrl}/v1/test/outbox`))).messages;
}

/** The code in the newest SMS (test-mode outbox). */
export async function latestSmsCode(server: TestServer): Promise<string> {
  const sms = (await outbox(server)).filter((m) => m.channel === 'sms');
  const code = /\b(\d{6})\b/.exec(sms.at(-1)?.body ?? '')?.[1];
  if (!code) throw new Error(`no SMS code in the outbox: ${JSON.stringify(sms.at(-1))}`);
  return code;
}

/** The path and fragment of the "continue your recovery" link in the newest email to `to` whose subject matches. */
export async function recoveryLink(server: TestServer, to: string, subject: RegExp): Promise<string> {
  const mail = (await outbox(server)).filter((m) => m.to === to && subject.test(m.subject)).at(-1);
  const link = /https?:\/\/\S+\/recovery\/continue#token=[A-Za-z0-9_-]+/.exec(mail?.body ?? '')?.[0];
  if (!link) throw new Error(`no continue link in the email "${subject}" to ${to}: ${JSON.stringify(mail)}`);
  const url = new URL(link);
  return `${url.pathname}${url.hash}`;
}
