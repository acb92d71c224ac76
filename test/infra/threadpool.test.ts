// Issue 16 #4: libuv's pool (where every argon2id runs) is sized for the
// machine, and set before anything can start it: the production entry is
// CommonJS (src/start.cts) and loads src/threadpool.cts first; the ES module
// entries import it first too.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import threadpool from '../../src/threadpool.cts';

const { threadPoolSize } = threadpool;

const ROOT = path.resolve(import.meta.dirname, '../..');

function poolSizeInChild(env: Record<string, string | undefined>): string {
  const { UV_THREADPOOL_SIZE: _, ...rest } = process.env;
  return execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      "await import('./src/threadpool.cts'); process.stdout.write(process.env.UV_THREADPOOL_SIZE)",
    ],
    { cwd: ROOT, env: { ...rest, ...env }, encoding: 'utf8' },
  );
}

describe('the libuv thread pool', () => {
  test('one thread per core, never fewer than libuv’s 4', () => {
    assert.equal(threadPoolSize(1), 4);
    assert.equal(threadPoolSize(4), 4);
    assert.equal(threadPoolSize(32), 32);
  });

  test('set at start unless the operator set it', () => {
    assert.equal(poolSizeInChild({}), String(threadPoolSize(os.availableParallelism())));
    assert.equal(poolSizeInChild({ UV_THREADPOOL_SIZE: '7' }), '7');
  });

  for (const entry of ['src/main.ts', 'src/cli/main.ts']) {
    test(`${entry} imports it before anything else`, () => {
      const source = fs.readFileSync(path.join(ROOT, entry), 'utf8');
      const firstImport = source.split('\n').find((line) => line.startsWith('import '));
      assert.match(firstImport ?? '', /^import '(\.\.?\/)+threadpool\.cts';$/);
    });
  }

  test('the production entry is CommonJS and loads it before the server', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
    assert.equal(pkg.scripts.start, 'node dist/server/start.cjs');
    const source = fs.readFileSync(path.join(ROOT, 'src/start.cts'), 'utf8');
    const code = source.split('\n').filter((line) => line.trim() && !line.startsWith('//'));
    assert.match(code[0] ?? '', /^import threadpool = require\('\.\/threadpool\.cts'\);$/);
    assert.match(code.at(-1) ?? '', /^void import\('\.\/main\.ts'\);$/);
  });
});
