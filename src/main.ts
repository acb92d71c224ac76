// The server's entry point: configuration, the composition root (composition.ts),
// the HTTP server, the job timer and a clean shutdown.
import './threadpool.cts';
import path from 'node:path';
import { compose } from './composition.ts';
import { ConfigError, loadConfig } from './config.ts';
import { buildServer } from './http/server.ts';
import { createLogger } from './infra/logger.ts';

const JOB_INTERVAL_MS = 5_000;

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`latchkey: configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const built = await compose(config, logger);
  // Job runs go one after another; shutdown waits for the one under way, so
  // storage is never closed under a running job.
  let lastRun: Promise<void> = Promise.resolve();
  const tick = () => {
    const run = lastRun.then(() => built.runJobs());
    lastRun = run.catch((error: unknown) => logger.error({ error: (error as Error).message }, 'job run failed'));
    return run;
  };
  let ready = false;
  const app = await buildServer(built.ctx, { runJobs: tick, webRoot: path.resolve('dist/web'), isReady: () => ready });
  const address = await app.listen({ port: config.port, host: config.host });
  const timer = setInterval(() => void tick().catch(() => undefined), JOB_INTERVAL_MS);
  ready = true;
  process.stdout.write(`Latchkey listening on ${address}${config.testMode ? ' (test mode)' : ''}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    clearInterval(timer);
    await app.close();
    await lastRun;
    await built.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`latchkey: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
