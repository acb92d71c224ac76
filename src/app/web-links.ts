// Where the web UI is, for links that leave the server (emails, the CLI's
// invitations): the operator's public origin, else the local one.
import type { Config } from '../config.ts';

export function webOrigin(config: Config): string {
  return config.publicOrigin ?? config.webauthnOrigins[0] ?? `http://localhost:${config.port}`;
}
