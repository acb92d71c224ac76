// Runs the reference withdrawal service:
//   LATCHKEY_ISSUER_URL=https://latchkey.exchange.example/oidc \
//   LATCHKEY_RESOURCE=https://latchkey.exchange.example/oidc/resources/exchange \
//   node --import tsx examples/withdrawal-service/main.ts
import { createRemoteJWKSet } from 'jose';
import { buildWithdrawalService } from './service.ts';

const issuer = process.env.LATCHKEY_ISSUER_URL;
const audience = process.env.LATCHKEY_RESOURCE;
if (!issuer || !audience) {
  process.stderr.write('withdrawal-service: set LATCHKEY_ISSUER_URL and LATCHKEY_RESOURCE\n');
  process.exit(2);
}
const app = buildWithdrawalService({ issuer, audience, keys: createRemoteJWKSet(new URL(`${issuer}/jwks`)) });
const address = await app.listen({ port: Number(process.env.PORT ?? 4000), host: '127.0.0.1' });
process.stdout.write(`withdrawal service listening on ${address}\n`);
