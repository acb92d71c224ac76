// Webhook endpoints, managed by the operator CLI: add (the signing secret is
// shown once and kept encrypted under the keyring), list, remove, replay.
import type { AppContext } from '../app/context.ts';
import { DomainError } from '../domain/errors.ts';
import {
  insertWebhookEndpoint,
  listWebhookEndpoints,
  removeWebhookEndpoint,
  requeueDeliveriesSince,
} from '../storage/webhooks-repository.ts';
import { isWebhookEventType, WEBHOOK_EVENT_TYPES } from './events.ts';

/** The associated data binding a secret's ciphertext to its endpoint. */
export const webhookSecretAad = (endpointId: string) => `webhook-secret:${endpointId}`;

function checkedUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DomainError('invalid_request', 'The webhook URL must be an absolute http(s) URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DomainError('invalid_request', 'The webhook URL must start with http:// or https://.');
  }
  return url.toString();
}

function checkedEvents(events: readonly string[] | undefined): string[] | null {
  if (events === undefined) return null;
  const unknown = events.filter((e) => !isWebhookEventType(e));
  if (events.length === 0 || unknown.length > 0) {
    throw new DomainError(
      'invalid_request',
      `Unknown webhook event ${unknown.join(', ') || '(none given)'}; known: ${WEBHOOK_EVENT_TYPES.join(', ')}.`,
    );
  }
  return [...new Set(events)];
}

export async function addWebhook(
  ctx: AppContext,
  input: { url: string; events?: readonly string[] | undefined },
): Promise<{ webhookId: string; secret: string }> {
  const url = checkedUrl(input.url);
  const events = checkedEvents(input.events);
  const webhookId = ctx.tokens.newId();
  // Standard Webhooks: a whsec_-prefixed base64 key of 24 to 64 bytes.
  const secret = `whsec_${ctx.randomBytes(32).toString('base64')}`;
  await insertWebhookEndpoint(ctx.storage.db, {
    id: webhookId,
    url,
    events: events ? JSON.stringify(events) : null,
    secret_enc: ctx.keyring.encrypt(secret, webhookSecretAad(webhookId)),
    created_at: ctx.clock.now().toISOString(),
    removed_at: null,
  });
  return { webhookId, secret };
}

export async function listWebhooks(
  ctx: AppContext,
): Promise<Array<{ webhookId: string; url: string; events: string[] | null; createdAt: string }>> {
  return (await listWebhookEndpoints(ctx.storage.db)).map((e) => ({
    webhookId: e.id,
    url: e.url,
    events: e.events ? (JSON.parse(e.events) as string[]) : null,
    createdAt: e.created_at,
  }));
}

export async function removeWebhook(ctx: AppContext, webhookId: string): Promise<void> {
  if (!(await removeWebhookEndpoint(ctx.storage.db, webhookId, ctx.clock.now().toISOString()))) {
    throw new DomainError('not_found', 'No such webhook.');
  }
}

/** Delivers again every event since `since` (to one webhook or all), in the original order. */
export async function replayWebhooks(
  ctx: AppContext,
  input: { since: string; webhookId?: string | undefined },
): Promise<{ requeued: number }> {
  const since = new Date(input.since);
  if (Number.isNaN(since.getTime())) {
    throw new DomainError('invalid_request', '--since must be a date and time, e.g. 2026-01-31T12:00:00Z.');
  }
  const requeued = await requeueDeliveriesSince(ctx.storage.db, {
    since: since.toISOString(),
    now: ctx.clock.now().toISOString(),
    endpointId: input.webhookId,
  });
  return { requeued };
}
