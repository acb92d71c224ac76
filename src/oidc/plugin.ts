// Mounts the OpenID Provider at /oidc on Latchkey's Fastify server, with the
// interaction routes (Latchkey's own login, step-up and consent) beside it.
import querystring from 'node:querystring';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { AppContext } from '../app/context.ts';
import { interactionRoutes } from './interaction.ts';
import { createProvider, OIDC_PAGE_CSP, OIDC_PREFIX } from './provider.ts';
import { ensureSigningKey, signingKeysVersion } from './signing-keys.ts';

/** A running server looks this often for keys rolled by `keys rotate` (another process). */
const KEY_CHECK_MS = 60_000;

export async function oidcPlugin(app: FastifyInstance, options: { ctx: AppContext }): Promise<void> {
  const { ctx } = options;
  await ensureSigningKey(ctx.storage.db, ctx.keyring, ctx.clock.now());
  const build = async (version: string, checked: number) => {
    const provider = await createProvider(ctx);
    return { provider, callback: provider.callback(), version, checked };
  };
  let current = await build(await signingKeysVersion(ctx.storage.db), ctx.clock.now().getTime());
  const refreshed = async () => {
    const now = ctx.clock.now().getTime();
    if (now - current.checked < KEY_CHECK_MS) return current;
    const version = await signingKeysVersion(ctx.storage.db);
    current = version === current.version ? { ...current, checked: now } : await build(version, now);
    return current;
  };
  const provider = async (): Promise<Provider> => (await refreshed()).provider;

  const hidden = { schema: { hide: true } };
  // Latchkey's own interaction forms arrive url-encoded.
  await app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      done(null, querystring.parse(String(body)));
    });
    const interaction = interactionRoutes(ctx, provider);
    scope.get(`${OIDC_PREFIX}/interaction/:uid`, hidden, interaction.show);
    scope.post(`${OIDC_PREFIX}/interaction/:uid/step-up`, hidden, interaction.stepUp);
    scope.post(`${OIDC_PREFIX}/interaction/:uid/consent`, hidden, interaction.consent);
  });

  // Everything else under /oidc is oidc-provider's, a Node handler that reads
  // its own request bodies: Fastify leaves them unread and steps aside.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    scope.all(`${OIDC_PREFIX}/*`, hidden, async (request: FastifyRequest, reply: FastifyReply) => {
      const { callback } = await refreshed();
      reply.hijack();
      reply.raw.setHeader('content-security-policy', OIDC_PAGE_CSP);
      const raw = request.raw as typeof request.raw & { originalUrl?: string };
      raw.originalUrl = raw.url;
      raw.url = raw.url?.slice(OIDC_PREFIX.length) || '/';
      callback(raw, reply.raw);
    });
  });
}
