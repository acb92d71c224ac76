// Relying parties (the exchange's web app, mobile app …), registered by the
// operator CLI. A confidential client's secret is shown once and kept
// encrypted under the keyring; a public client has none and must use PKCE.
import type { ClientMetadata } from 'oidc-provider';
import type { AppContext } from '../app/context.ts';
import { DomainError } from '../domain/errors.ts';
import type { Executor } from '../storage/executor.ts';
import { changed } from '../storage/executor.ts';
import { ACR_LADDER, type Acr } from './assurance.ts';

export const clientSecretAad = (clientId: string) => `oidc-client-secret:${clientId}`;

function checkedRedirectUri(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DomainError('invalid_request', `The redirect URI ${JSON.stringify(raw)} is not an absolute URL.`);
  }
  if (url.hash) throw new DomainError('invalid_request', 'A redirect URI must not have a fragment.');
  // https, http only for loopback (native apps, RFC 8252), or a private-use scheme (mobile apps).
  const loopback = url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  const privateUse = /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol);
  if (url.protocol !== 'https:' && !loopback && !privateUse) {
    throw new DomainError(
      'invalid_request',
      'A redirect URI must use https (http only for localhost), or a private-use scheme such as com.example.app:/cb.',
    );
  }
  return url.toString();
}

export async function addClient(
  ctx: AppContext,
  input: {
    name: string;
    redirectUris: readonly string[];
    public: boolean;
    firstParty: boolean;
    /** Asked for every request that names no `acr_values`, e.g. `urn:latchkey:acr:mfa` for an app that requires 2FA. */
    defaultAcr?: string | undefined;
  },
): Promise<{ clientId: string; clientSecret?: string }> {
  const name = input.name.trim();
  if (name === '' || name.length > 100)
    throw new DomainError('invalid_request', 'The client name must be 1 to 100 characters.');
  if (input.redirectUris.length === 0) throw new DomainError('invalid_request', 'Give at least one --redirect-uri.');
  const redirectUris = input.redirectUris.map(checkedRedirectUri);
  if (input.defaultAcr !== undefined && !(ACR_LADDER as readonly string[]).includes(input.defaultAcr)) {
    throw new DomainError('invalid_request', `The default acr must be one of ${ACR_LADDER.join(', ')}.`);
  }
  const clientId = ctx.randomBytes(16).toString('base64url');
  const clientSecret = input.public ? undefined : ctx.randomBytes(32).toString('base64url');
  await ctx.storage.db
    .insertInto('oidc_clients')
    .values({
      id: clientId,
      name,
      redirect_uris: JSON.stringify(redirectUris),
      public: input.public ? 1 : 0,
      first_party: input.firstParty ? 1 : 0,
      default_acr: input.defaultAcr ?? null,
      secret_enc: clientSecret ? ctx.keyring.encrypt(clientSecret, clientSecretAad(clientId)) : null,
      created_at: ctx.clock.now().toISOString(),
      removed_at: null,
    })
    .execute();
  return clientSecret ? { clientId, clientSecret } : { clientId };
}

export async function listClients(ctx: AppContext) {
  const rows = await ctx.storage.db
    .selectFrom('oidc_clients')
    .selectAll()
    .where('removed_at', 'is', null)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    clientId: r.id,
    name: r.name,
    redirectUris: JSON.parse(r.redirect_uris) as string[],
    public: r.public === 1,
    firstParty: r.first_party === 1,
    defaultAcr: r.default_acr as Acr | null,
    createdAt: r.created_at,
  }));
}

/** Removes the client: oidc-provider no longer finds it, so its codes and refresh tokens stop working. */
export async function removeClient(ctx: AppContext, clientId: string): Promise<void> {
  const result = await ctx.storage.db
    .updateTable('oidc_clients')
    .set({ removed_at: ctx.clock.now().toISOString() })
    .where('id', '=', clientId)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  if (changed(result) !== 1) throw new DomainError('not_found', 'No such client.');
}

export async function isFirstPartyClient(db: Executor, clientId: string): Promise<boolean> {
  const row = await db.selectFrom('oidc_clients').select('first_party').where('id', '=', clientId).executeTakeFirst();
  return row?.first_party === 1;
}

/** The metadata oidc-provider asks its adapter for. */
export async function clientMetadata(ctx: AppContext, clientId: string): Promise<ClientMetadata | undefined> {
  const row = await ctx.storage.db
    .selectFrom('oidc_clients')
    .selectAll()
    .where('id', '=', clientId)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const redirectUris = JSON.parse(row.redirect_uris) as string[];
  return {
    client_id: row.id,
    client_name: row.name,
    redirect_uris: redirectUris,
    post_logout_redirect_uris: redirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    ...(row.default_acr ? { default_acr_values: [row.default_acr] } : {}),
    ...(row.secret_enc
      ? {
          client_secret: ctx.keyring.decrypt(row.secret_enc, clientSecretAad(row.id)).toString('utf8'),
          token_endpoint_auth_method: 'client_secret_basic',
        }
      : { token_endpoint_auth_method: 'none' }),
  };
}

export async function listEncryptedClientSecrets(db: Executor): Promise<Array<{ id: string; secret_enc: string }>> {
  const rows = await db.selectFrom('oidc_clients').select(['id', 'secret_enc']).execute();
  return rows.flatMap((r) => (r.secret_enc ? [{ id: r.id, secret_enc: r.secret_enc }] : []));
}

export async function updateClientSecret(db: Executor, id: string, secretEnc: string): Promise<void> {
  await db.updateTable('oidc_clients').set({ secret_enc: secretEnc }).where('id', '=', id).execute();
}
