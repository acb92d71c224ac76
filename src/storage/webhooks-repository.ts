// Webhook endpoints, the security-event outbox and its deliveries.
import crypto from 'node:crypto';
import { type WebhookEvent, webhookEventsFor } from '../webhooks/events.ts';
import type { Executor } from './executor.ts';
import { changed } from './executor.ts';
import { type EveryColumn, prepared } from './prepared.ts';
import type { WebhookDeliveriesTable, WebhookEndpointsTable, WebhookEventsTable } from './schema.ts';

export type WebhookEndpointRow = WebhookEndpointsTable;

export async function insertWebhookEndpoint(db: Executor, row: WebhookEndpointRow): Promise<void> {
  await db.insertInto('webhook_endpoints').values(row).execute();
}

// Every audit entry that announces an event reads the endpoints and writes the
// event and its deliveries (a backup-code login does): built once (prepared.ts).
const liveEndpointsQuery = prepared((db) =>
  db.selectFrom('webhook_endpoints').selectAll().where('removed_at', 'is', null).orderBy('created_at'),
);
type NewEvent = Omit<WebhookEventsTable, 'id'>;
const insertEventQuery = prepared((db, p: NewEvent) =>
  db
    .insertInto('webhook_events')
    .values({
      message_id: p.message_id,
      account_id: p.account_id,
      type: p.type,
      payload: p.payload,
      created_at: p.created_at,
    } satisfies EveryColumn<NewEvent>)
    .returning('id'),
);
type NewDelivery = Omit<WebhookDeliveriesTable, 'id'>;
const insertDeliveryQuery = prepared(
  (db, p: Pick<NewDelivery, 'endpoint_id' | 'event_id' | 'account_key' | 'queued_at'>) =>
    db.insertInto('webhook_deliveries').values({
      endpoint_id: p.endpoint_id,
      event_id: p.event_id,
      account_key: p.account_key,
      queued_at: p.queued_at,
      attempts: 0,
      next_attempt_at: p.queued_at,
      delivered_at: null,
      dead_at: null,
      last_error: null,
    } satisfies EveryColumn<NewDelivery>),
);

export async function listWebhookEndpoints(db: Executor): Promise<WebhookEndpointRow[]> {
  return liveEndpointsQuery.all(db, {});
}

export async function removeWebhookEndpoint(db: Executor, id: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('webhook_endpoints')
    .set({ removed_at: now })
    .where('id', '=', id)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  return changed(result) === 1;
}

function subscribed(endpoint: WebhookEndpointRow, type: string): boolean {
  return endpoint.events === null || (JSON.parse(endpoint.events) as string[]).includes(type);
}

/**
 * Queues the webhook events an audit entry announces, in the caller's
 * transaction (transactional outbox): one delivery per subscribed endpoint.
 */
export async function enqueueWebhookEvents(
  db: Executor,
  entry: { accountId: string | null; event: string; details?: Record<string, unknown>; at: string },
): Promise<void> {
  const events = webhookEventsFor(entry);
  if (events.length === 0) return;
  const endpoints = await listWebhookEndpoints(db);
  for (const event of events) await enqueueOne(db, event, entry.accountId, entry.at, endpoints);
}

async function enqueueOne(
  db: Executor,
  event: WebhookEvent,
  accountId: string | null,
  at: string,
  endpoints: WebhookEndpointRow[],
): Promise<void> {
  const payload = JSON.stringify({ type: event.type, timestamp: at, data: { accountId, ...event.data } });
  const inserted = await insertEventQuery.first(db, {
    message_id: `msg_${crypto.randomUUID()}`,
    account_id: accountId,
    type: event.type,
    payload,
    created_at: at,
  });
  if (!inserted) throw new Error('the webhook event insert returned no id');
  for (const endpoint of endpoints.filter((e) => subscribed(e, event.type))) {
    await insertDeliveryQuery.changed(db, {
      endpoint_id: endpoint.id,
      event_id: Number(inserted.id),
      account_key: accountId ?? '',
      queued_at: at,
    });
  }
}

/**
 * Deliveries due now, each the oldest pending one of its endpoint and account:
 * a later event waits until the earlier one is delivered or dead (order per account).
 */
export async function listDueDeliveries(db: Executor, now: string, limit: number) {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .innerJoin('webhook_endpoints as w', 'w.id', 'd.endpoint_id')
    .select([
      'd.id',
      'd.endpoint_id',
      'd.queued_at',
      'd.attempts',
      'e.message_id',
      'e.payload',
      'w.url',
      'w.secret_enc',
    ])
    .where('w.removed_at', 'is', null)
    .where('d.delivered_at', 'is', null)
    .where('d.dead_at', 'is', null)
    .where('d.next_attempt_at', '<=', now)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('webhook_deliveries as p')
            .select('p.id')
            .whereRef('p.endpoint_id', '=', 'd.endpoint_id')
            .whereRef('p.account_key', '=', 'd.account_key')
            .whereRef('p.id', '<', 'd.id')
            .where('p.delivered_at', 'is', null)
            .where('p.dead_at', 'is', null),
        ),
      ),
    )
    .orderBy('d.id')
    .limit(limit)
    .execute();
}

export async function markDeliveryDone(db: Executor, id: number, now: string): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({ delivered_at: now, attempts: eb('attempts', '+', 1), last_error: null }))
    .where('id', '=', id)
    .execute();
}

/** A failed attempt: tried again at `retryAt`, or dead-lettered at `now` when that is null. */
export async function markDeliveryFailed(
  db: Executor,
  id: number,
  failure: { error: string; retryAt: string | null; now: string },
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      last_error: failure.error.slice(0, 500),
      ...(failure.retryAt === null ? { dead_at: failure.now } : { next_attempt_at: failure.retryAt }),
    }))
    .where('id', '=', id)
    .execute();
}

/** Queues again every delivery of events since `since` (delivered or dead), keeping their order. */
export async function requeueDeliveriesSince(
  db: Executor,
  input: { since: string; now: string; endpointId?: string | undefined },
): Promise<number> {
  let query = db
    .updateTable('webhook_deliveries')
    .set({ delivered_at: null, dead_at: null, attempts: 0, next_attempt_at: input.now, queued_at: input.now })
    .where('event_id', 'in', (eb) =>
      eb.selectFrom('webhook_events').select('webhook_events.id').where('webhook_events.created_at', '>=', input.since),
    )
    .where('endpoint_id', 'in', (eb) =>
      eb
        .selectFrom('webhook_endpoints')
        .select('webhook_endpoints.id')
        .where('webhook_endpoints.removed_at', 'is', null),
    );
  if (input.endpointId) query = query.where('endpoint_id', '=', input.endpointId);
  return changed(await query.executeTakeFirst());
}

export async function listEncryptedWebhookSecrets(db: Executor): Promise<Array<{ id: string; secret_enc: string }>> {
  return db.selectFrom('webhook_endpoints').select(['id', 'secret_enc']).execute();
}

export async function updateWebhookSecret(db: Executor, id: string, secretEnc: string): Promise<void> {
  await db.updateTable('webhook_endpoints').set({ secret_enc: secretEnc }).where('id', '=', id).execute();
}

/**
 * Accounts whose withdrawal lock ended at or before `now` and whose end has no
 * `withdrawal_lock.ended` event yet (the event is queued when the end is noticed, after it).
 */
export async function listEndedLocksNotAnnounced(db: Executor, now: string, limit: number) {
  return db
    .selectFrom('accounts as a')
    .select(['a.id', 'a.withdrawal_locked_until'])
    .where('a.withdrawal_locked_until', 'is not', null)
    .where('a.withdrawal_locked_until', '<=', now)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('webhook_events as e')
            .select('e.id')
            .whereRef('e.account_id', '=', 'a.id')
            .where('e.type', '=', 'withdrawal_lock.ended')
            .whereRef('e.created_at', '>=', 'a.withdrawal_locked_until'),
        ),
      ),
    )
    .limit(limit)
    .execute();
}
