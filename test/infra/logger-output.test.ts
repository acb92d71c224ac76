// The default log destination writes asynchronously (src/infra/logger.ts):
// what a process logged just before it exits — an error that ends it, or
// shutting down — must still reach standard output, and each line whole.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

const LOGGER = path.resolve(import.meta.dirname, '../../src/infra/logger.ts');

function run(script: string): string[] {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  assert.equal(result.status, 3, result.stderr);
  return result.stdout.trim().split('\n');
}

test('lines logged right before process.exit are written, each one whole', () => {
  const lines = run(`
    import { createLogger } from ${JSON.stringify(LOGGER)};
    const logger = createLogger('info');
    for (let i = 0; i < 2000; i++) logger.info({ i }, 'line');
    logger.error('last words');
    process.exit(3);
  `);
  assert.equal(lines.length, 2001);
  assert.deepEqual(
    lines.slice(0, 2000).map((line) => JSON.parse(line).i),
    Array.from({ length: 2000 }, (_, i) => i),
  );
  assert.equal(JSON.parse(lines[2000] as string).msg, 'last words');
});

test('a line logged before an uncaught error ends the process is written', () => {
  const lines = run(`
    import { createLogger } from ${JSON.stringify(LOGGER)};
    const logger = createLogger('info');
    logger.warn('about to fail');
    process.exitCode = 3;
    setImmediate(() => { throw new Error('boom'); });
    process.on('uncaughtException', () => process.exit(3));
  `);
  assert.equal(JSON.parse(lines[0] as string).msg, 'about to fail');
});
