// The OpenID Provider (panva's oidc-provider), configured for Latchkey:
// authorization code + PKCE (S256, required for public clients), refresh
// tokens with rotation, RP-initiated logout, RFC 9068 JWT access tokens for
// the configured resource indicator, introspection and revocation. Its login
// is Latchkey's own (interaction.ts).
import Provider, { type Configuration, errors, interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import type { AppContext } from '../app/context.ts';
import { withdrawalLockState } from '../domain/withdrawal-lock.ts';
import { findAccountWithFreeze } from '../storage/accounts-repository.ts';
import { kyselyAdapter } from './adapter.ts';
import { ACR_LADDER } from './assurance.ts';
import { isFirstPartyClient } from './clients.ts';
import { loadSigningJwks } from './signing-keys.ts';
import { TOKEN_TTL } from './token-lifetimes.ts';

export const OIDC_PREFIX = '/oidc';
/**
 * The provider's and the interaction's pages: nothing to load, no framing, and
 * no `form-action` limit, because a sign-in form's redirects end at the client's
 * registered redirect URI (another origin), which the provider has checked.
 */
export const OIDC_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

/** The access-token audience of the exchange's resource servers (RFC 8707), e.g. the withdrawal service. */
export const DEFAULT_RESOURCE_PATH = '/resources/exchange';
export const RESOURCE_SCOPE = 'withdrawals';

export function issuerFor(ctx: AppContext): string {
  const origin = ctx.config.publicOrigin ?? `http://localhost:${ctx.config.port}`;
  return `${new URL(origin).origin}${OIDC_PREFIX}`;
}

export function resourceIndicatorFor(ctx: AppContext): string {
  return `${issuerFor(ctx)}${DEFAULT_RESOURCE_PATH}`;
}

/** What a resource server needs to know about the account, computed when the token is issued. */
async function accountFacts(ctx: AppContext, accountId: string): Promise<Record<string, unknown>> {
  const db = ctx.storage.db;
  const found = await findAccountWithFreeze(db, accountId);
  if (!found) return {};
  const lock = withdrawalLockState(found.account.withdrawalLock, ctx.clock.now());
  return {
    ...(lock.locked ? { latchkey_withdrawal_lock_until: Math.floor(lock.until.getTime() / 1000) } : {}),
    ...(found.frozen ? { latchkey_account_frozen: true } : {}),
  };
}

/**
 * The provider's own `max_age` check reads its own clock; Latchkey's rules
 * read Latchkey's (and know the second factor, not just the sign-in). So a
 * request with `max_age` or `acr_values` always visits the interaction, which
 * finishes at once when the session's second factor is fresh and strong enough.
 */
function interactionPolicyWithStepUp() {
  const policy = interactionPolicy.base();
  const login = policy.get('login');
  login?.checks.add(
    new interactionPolicy.Check('step_up', 'A fresh or stronger second factor may be needed', (octx) => {
      const params = octx.oidc.params as { max_age?: unknown; acr_values?: unknown } | undefined;
      const asks = params?.max_age !== undefined || params?.acr_values !== undefined;
      return asks && !octx.oidc.result?.login;
    }),
  );
  // A provider session whose account `findAccount` no longer gives (frozen)
  // signs in again through Latchkey, which refuses it, instead of the request
  // failing further on for want of an account.
  login?.checks.add(
    new interactionPolicy.Check(
      'account_unavailable',
      'The account can not sign in now',
      (octx) => octx.oidc.session?.accountId !== undefined && octx.oidc.account === undefined,
    ),
  );
  return policy;
}

export async function createProvider(ctx: AppContext): Promise<Provider> {
  const db = ctx.storage.db;
  const keyring = ctx.keyring;
  const resource = resourceIndicatorFor(ctx);
  const configuration: Configuration = {
    adapter: kyselyAdapter(ctx),
    jwks: { keys: await loadSigningJwks(db, keyring, ctx.clock.now()) },
    cookies: {
      keys: keyring.versions.reverse().map((v) => keyring.derive(v, 'oidc-cookies').toString('base64url')),
    },
    acrValues: [...ACR_LADDER],
    claims: { openid: ['sub', 'auth_time', 'acr', 'amr', 'sid'], email: ['email'] },
    scopes: ['openid', 'offline_access', 'email', RESOURCE_SCOPE],
    // A frozen account is no account to the provider: every code exchange,
    // refresh and userinfo call answers as for an unknown one (invalid_grant).
    // Freezing deletes the account's grants (revokeAccountSessions), but a
    // request in flight at that moment can still write rows after it.
    async findAccount(_octx, sub) {
      const found = await findAccountWithFreeze(db, sub);
      if (!found || found.frozen) return undefined;
      return { accountId: sub, claims: async () => ({ sub, email: found.account.email }) };
    },
    features: {
      devInteractions: { enabled: false },
      // A confidential client may introspect the tokens issued to it.
      introspection: {
        enabled: true,
        allowedPolicy: async (_octx, client, token) =>
          client.clientAuthMethod !== 'none' && token.clientId === client.clientId,
      },
      revocation: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource(octx, form) {
          octx.type = 'html';
          octx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign out · Latchkey</title></head>
<body><main><h1>Sign out?</h1>${form}<button form="op.logoutForm" name="logout" value="yes">Sign out</button>
<button form="op.logoutForm">Stay signed in</button></main></body></html>`;
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo(_octx, indicator) {
          if (indicator !== resource) throw new errors.InvalidTarget('unknown resource indicator');
          return {
            scope: RESOURCE_SCOPE,
            audience: resource,
            accessTokenTTL: TOKEN_TTL.AccessToken,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    pkce: { methods: ['S256'], required: (_octx, client) => client.clientAuthMethod === 'none' },
    rotateRefreshToken: true,
    issueRefreshToken: async (_octx, client) => client.grantTypeAllowed('refresh_token'),
    ttl: { ...TOKEN_TTL },
    interactions: {
      url: (_octx, interaction) => `${OIDC_PREFIX}/interaction/${interaction.uid}`,
      policy: interactionPolicyWithStepUp(),
    },
    // First-party clients skip the consent screen: their grant is made here.
    async loadExistingGrant(octx: KoaContextWithOIDC) {
      const client = octx.oidc.client;
      const session = octx.oidc.session;
      if (!client || !session?.accountId) return undefined;
      const existingId = octx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      const existing = existingId ? await octx.oidc.provider.Grant.find(existingId) : undefined;
      if (existing || !(await isFirstPartyClient(db, client.clientId))) return existing;
      const grant = new octx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid email offline_access');
      grant.addResourceScope(resource, RESOURCE_SCOPE);
      await grant.save();
      session.grantIdFor(client.clientId, grant.jti);
      return grant;
    },
    async extraTokenClaims(octx, token) {
      if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
      const source = octx.oidc.entities.AuthorizationCode ?? octx.oidc.entities.RefreshToken;
      return {
        ...(source ? { auth_time: source.authTime, acr: source.acr, amr: source.amr } : {}),
        ...(await accountFacts(ctx, token.accountId)),
      };
    },
    renderError(octx, out) {
      octx.type = 'json';
      octx.body = out;
    },
  };
  const provider = new Provider(issuerFor(ctx), configuration);
  provider.on('server_error', (_octx, error) => ctx.logger.error({ error: error.message }, 'oidc server error'));
  return provider;
}
