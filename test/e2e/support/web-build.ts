// Builds the UI once before the browser tests (the server serves dist/web).
// Test files run in parallel processes, so the build is guarded by a lock
// directory and skipped when dist/web is newer than every source file.
import { execFile } from 'node:child_process';
import { mkdir, readdir, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './server.ts';

const execFileAsync = promisify(execFile);

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    const t = entry.isDirectory() ? await newestMtime(p) : (await stat(p)).mtimeMs;
    newest = Math.max(newest, t);
  }
  return newest;
}

async function builtAt(): Promise<number> {
  try {
    return (await stat(join(repoRoot, 'dist/web/index.html'))).mtimeMs;
  } catch {
    return 0;
  }
}

export async function ensureWebBuilt(): Promise<void> {
  const lock = join(repoRoot, 'dist/.web-build.lock');
  await mkdir(join(repoRoot, 'dist'), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      // Another test process is building; a lock older than 2 minutes is stale.
      try {
        if (Date.now() - (await stat(lock)).mtimeMs > 120_000) await rmdir(lock);
      } catch {
        // gone already
      }
      if (Date.now() > deadline) throw new Error('timed out waiting for the web build lock');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if ((await builtAt()) > (await newestMtime(join(repoRoot, 'src/web')))) return;
    await execFileAsync(
      process.execPath,
      [join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'src/web/vite.config.ts'],
      {
        cwd: repoRoot,
        timeout: 120_000,
      },
    );
  } finally {
    await rmdir(lock);
  }
}
