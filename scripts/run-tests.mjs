// Runs every test file under test/ (Node 20's --test neither expands globs nor
// finds .ts files itself). Extra arguments narrow the run: a folder or a file.
// Files run in parallel (each in its own process, on its own database);
// TEST_CONCURRENCY overrides how many at once. The browser journeys
// (test/e2e) run afterwards one at a time: each drives a server and Chromium.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function find(dir) {
  if (!fs.existsSync(dir)) return [];
  if (fs.statSync(dir).isFile()) return [dir];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? find(path.join(dir, entry.name)) : [path.join(dir, entry.name)]))
    .filter((file) => file.endsWith('.test.ts'));
}

const roots = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['test'];
const files = [...new Set(roots.flatMap(find))].sort();
if (files.length === 0) {
  console.error('no test files found under', roots.join(' '));
  process.exit(1);
}
const concurrency = Number(process.env.TEST_CONCURRENCY) || Math.max(2, os.availableParallelism());
const isBrowser = (file) => file.split(path.sep).includes('e2e');
const batches = [
  { files: files.filter((file) => !isBrowser(file)), concurrency },
  { files: files.filter(isBrowser), concurrency: 1 },
];
let status = 0;
for (const batch of batches) {
  if (batch.files.length === 0) continue;
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', `--test-concurrency=${batch.concurrency}`, ...batch.files],
    { stdio: 'inherit' },
  );
  if (result.status !== 0) status = result.status ?? 1;
}
process.exit(status);
