import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';

interface ToolResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

// The exports are checked with the tools a user would open them with (Debian's
// 7z, poppler's pdftotext), so a missing tool must fail the test loudly rather
// than skip it: install with `apt-get install -y p7zip-full poppler-utils`.
export function runTool(command: string, args: readonly string[]): ToolResult {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error) {
    throw new Error(`cannot run ${command} (apt-get install -y p7zip-full poppler-utils): ${result.error.message}`);
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Eight distinct 6-digit codes from the CSPRNG, with one forced to start with
// zeros so every run also checks that leading zeros survive rendering.
export function randomBackupCodes(): string[] {
  const codes = new Set<string>();
  codes.add(`00${randomInt(0, 10_000).toString().padStart(4, '0')}`);
  while (codes.size < 8) {
    codes.add(randomInt(0, 1_000_000).toString().padStart(6, '0'));
  }
  // Shuffle so the leading-zero code is not always in row 1.
  const list = [...codes];
  for (let i = list.length - 1; i > 0; i--) {
    const j = randomInt(0, i + 1);
    [list[i], list[j]] = [list[j] as string, list[i] as string];
  }
  return list;
}
