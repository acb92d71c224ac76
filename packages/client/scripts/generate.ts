// Regenerates src/schema.d.ts from the document the server serves (built
// in-process, never listening). Run from the repository: npm run client:generate
import fs from 'node:fs';
import { CLIENT_SCHEMA_FILE, clientSchemaSource } from './schema-source.ts';

fs.writeFileSync(CLIENT_SCHEMA_FILE, await clientSchemaSource());
process.stdout.write(`wrote ${CLIENT_SCHEMA_FILE}\n`);
