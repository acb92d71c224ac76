// The TypeScript source of src/schema.d.ts: the document a production server
// (test mode off) serves at /openapi.json, run through openapi-typescript.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { compose } from '../../../src/composition.ts';
import { loadConfig } from '../../../src/config.ts';
import { buildServer } from '../../../src/http/server.ts';
import { createLogger } from '../../../src/infra/logger.ts';

export const CLIENT_SCHEMA_FILE = fileURLToPath(new URL('../src/schema.d.ts', import.meta.url));

const HEADER = '// Generated from /openapi.json by `npm run client:generate`. Do not edit.\n';

/** The document as a server with the default configuration serves it. */
export async function servedDocument(): Promise<object> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'latchkey-openapi-'));
  const config = loadConfig({ LATCHKEY_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const built = await compose(config, createLogger(config.logLevel));
  try {
    const app = await buildServer(built.ctx, { runJobs: built.runJobs });
    const answer = await app.inject({ method: 'GET', url: '/openapi.json' });
    await app.close();
    return answer.json();
  } finally {
    await built.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function clientSchemaSource(): Promise<string> {
  return HEADER + astToString(await openapiTS((await servedDocument()) as never));
}
