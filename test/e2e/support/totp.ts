// TOTP codes as the user's phone would compute them, with Debian's oathtool
// (an implementation independent of the server's).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The code for `secret` (base32, spaces allowed) at unix time `atSeconds`. */
export async function totpAt(secret: string, atSeconds: number): Promise<string> {
  const key = secret.replace(/\s+/g, '').toUpperCase();
  const { stdout } = await execFileAsync('oathtool', ['--totp', '-b', '-N', `@${atSeconds}`, key]);
  return stdout.trim();
}
