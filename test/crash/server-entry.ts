// The crash test's server process: src/main.ts's composition and HTTP server,
// with cheap argon2id parameters so hundreds of logins fit in the test's time
// (the hash cost is not what a crash tests). Killed with SIGKILL, never stopped.
import { compose } from '../../src/composition.ts';
import { loadConfig } from '../../src/config.ts';
import { buildServer } from '../../src/http/server.ts';
import { argon2Hasher } from '../../src/infra/hashing.ts';
import { createLogger } from '../../src/infra/logger.ts';

const config = loadConfig();
const built = await compose(config, createLogger('warn'), {
  hasher: argon2Hasher({ memoryCost: 8, timeCost: 1, parallelism: 1 }),
});
const app = await buildServer(built.ctx, { runJobs: () => built.runJobs() });
const address = await app.listen({ port: config.port, host: config.host });
setInterval(() => void built.runJobs(), 5_000);
process.stdout.write(`listening on ${address}\n`);
