// Configuration: defaults, one line naming each bad variable, and the real
// process: a bad PORT stops it; a good one serves /healthz, /openapi.json and
// /docs, and SIGTERM shuts it down cleanly.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

describe('loadConfig', () => {
  test('defaults', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.dataDir, path.resolve('./data'));
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.redisUrl, undefined);
    assert.equal(config.smtpUrl, undefined);
    assert.equal(config.testMode, false);
    assert.equal(config.production, false);
    assert.equal(config.issuer, 'Latchkey');
    assert.equal(config.sessionTtlMinutes, 720);
    assert.equal(config.withdrawalLockHours, 24);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.sqliteSynchronous, 'FULL');
    assert.ok(Object.isFrozen(config));
  });

  test('values are read', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      LATCHKEY_DATA_DIR: '/tmp/somewhere',
      DATABASE_URL: 'postgres://u@db:5432/latchkey',
      REDIS_URL: 'redis://cache:6379',
      SMTP_URL: 'smtp://mail:25',
      LATCHKEY_TEST_MODE: '1',
      LATCHKEY_ISSUER: 'Acme Bank',
      LATCHKEY_SESSION_TTL_MINUTES: '60',
      LATCHKEY_SQLITE_SYNCHRONOUS: 'normal',
    });
    assert.equal(config.port, 8080);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.dataDir, '/tmp/somewhere');
    assert.equal(config.databaseUrl, 'postgres://u@db:5432/latchkey');
    assert.equal(config.redisUrl, 'redis://cache:6379');
    assert.equal(config.smtpUrl, 'smtp://mail:25');
    assert.equal(config.testMode, true);
    assert.equal(config.issuer, 'Acme Bank');
    assert.equal(config.sessionTtlMinutes, 60);
    assert.equal(config.sqliteSynchronous, 'NORMAL');
  });

  const bad: Array<[string, string]> = [
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['HOST', ' '],
    ['DATABASE_URL', 'mysql://db/latchkey'],
    ['DATABASE_URL', 'not a url'],
    ['REDIS_URL', 'http://cache:6379'],
    ['SMTP_URL', 'ftp://mail'],
    ['LATCHKEY_TEST_MODE', 'yes'],
    ['LATCHKEY_ISSUER', 'Acme:Bank'],
    ['LATCHKEY_ISSUER', 'x'.repeat(65)],
    ['LATCHKEY_SESSION_TTL_MINUTES', '0'],
    ['LATCHKEY_SESSION_TTL_MINUTES', 'forever'],
    ['LATCHKEY_WITHDRAWAL_LOCK_HOURS', '0'],
    ['LATCHKEY_PUBLIC_ORIGIN', 'ftp://example.com'],
    ['LATCHKEY_HOLIDAYS', '2030-13-45'],
    ['LOG_LEVEL', 'loud'],
    ['LATCHKEY_SIGNUPS_PER_IP_PER_HOUR', '0'],
    ['LATCHKEY_SQLITE_SYNCHRONOUS', 'OFF'],
  ];
  for (const [name, value] of bad) {
    test(`${name}=${JSON.stringify(value)} is refused with one line naming it`, () => {
      assert.throws(
        () => loadConfig({ [name]: value }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.equal(error.variable, name);
          assert.ok(error.message.startsWith(`${name}:`), error.message);
          assert.ok(!error.message.includes('\n'), error.message);
          return true;
        },
      );
    });
  }

  test('test mode with NODE_ENV=production is refused, naming both variables', () => {
    assert.throws(
      () => loadConfig({ LATCHKEY_TEST_MODE: '1', NODE_ENV: 'production' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.variable, 'LATCHKEY_TEST_MODE');
        assert.match(error.message, /^LATCHKEY_TEST_MODE:.*NODE_ENV=production/);
        return true;
      },
    );
    assert.equal(loadConfig({ LATCHKEY_TEST_MODE: '0', NODE_ENV: 'production' }).production, true);
    assert.equal(loadConfig({ LATCHKEY_TEST_MODE: '1', NODE_ENV: 'test' }).testMode, true);
  });

  test('a password in DATABASE_URL is not echoed in the error', () => {
    assert.throws(
      () => loadConfig({ DATABASE_URL: 'mysql://user:hunter2secret@db/x' }),
      (error: unknown) => error instanceof ConfigError && !error.message.includes('hunter2secret'),
    );
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function start(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

function collect(stream: NodeJS.ReadableStream | null): () => string {
  let text = '';
  stream?.on('data', (chunk) => {
    text += String(chunk);
  });
  return () => text;
}

describe('the server process', () => {
  let dataDir: string;
  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-config-'));
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  test('PORT=abc stops it with a non-zero exit and one stderr line naming PORT', async () => {
    const child = start({ PORT: 'abc', LATCHKEY_DATA_DIR: dataDir });
    const stderr = collect(child.stderr);
    const { code } = await exited(child);
    assert.notEqual(code, 0);
    const lines = stderr().trim().split('\n');
    assert.equal(lines.length, 1, stderr());
    assert.match(lines[0] ?? '', /\bPORT\b/);
    assert.match(lines[0] ?? '', /abc/);
  });

  test('LATCHKEY_TEST_MODE=1 with NODE_ENV=production refuses to start', async () => {
    const child = start({ LATCHKEY_TEST_MODE: '1', NODE_ENV: 'production', LATCHKEY_DATA_DIR: dataDir });
    const stderr = collect(child.stderr);
    const { code } = await exited(child);
    assert.notEqual(code, 0);
    assert.match(stderr(), /LATCHKEY_TEST_MODE.*NODE_ENV=production/);
  });

  test('on a free port it answers /healthz, /openapi.json and /docs, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const child = start({ PORT: String(port), HOST: '127.0.0.1', LATCHKEY_DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout?.on('data', () => {
          if (stdout().includes(`127.0.0.1:${port}`)) resolve();
        });
        child.once('exit', (code) => reject(new Error(`exited ${code} before listening: ${stderr()}`)));
      });
      const base = `http://127.0.0.1:${port}`;
      const health = await fetch(`${base}/healthz`);
      assert.equal(health.status, 200);

      const openapi = await fetch(`${base}/openapi.json`);
      assert.equal(openapi.status, 200);
      const spec = (await openapi.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
      assert.match(spec.openapi, /^3\.1\./);
      const expected: Array<[string, string]> = [
        ['/v1/accounts', 'post'],
        ['/v1/sessions', 'post'],
        ['/v1/sessions/verify', 'post'],
        ['/v1/sessions/current', 'delete'],
        ['/v1/me/security', 'get'],
        ['/v1/me/totp/setup', 'post'],
        ['/v1/me/totp/confirm', 'post'],
        ['/v1/me/backup-codes/export', 'post'],
        ['/v1/me/backup-codes/acknowledge', 'post'],
        ['/v1/me/two-factor/reset', 'post'],
        ['/v1/withdrawals', 'post'],
      ];
      for (const [route, method] of expected) {
        assert.ok(spec.paths[route]?.[method], `${method.toUpperCase()} ${route} is missing from the OpenAPI document`);
      }
      assert.equal(spec.paths['/v1/test/clock'], undefined, 'test routes are not served outside test mode');

      const docs = await fetch(`${base}/docs`);
      assert.equal(docs.status, 200);
      assert.match(docs.headers.get('content-type') ?? '', /text\/html/);
      assert.match(await docs.text(), /<html/i);

      child.kill('SIGTERM');
      const { code, signal } = await exited(child);
      assert.equal(signal, null);
      assert.equal(code, 0, stderr());
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
