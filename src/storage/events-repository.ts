// Append-only records: the audit log, login history and the notification outbox.

import { sql } from 'kysely';
import { auditHash } from '../domain/audit-chain.ts';
import type { LoginResult } from '../domain/sign-in-activity.ts';
import { atomically, type Executor, transactionsAreSerial } from './executor.ts';
import { type EveryColumn, prepared } from './prepared.ts';
import type { LoginEventsTable, OutboxTable } from './schema.ts';
import { enqueueWebhookEvents } from './webhooks-repository.ts';

export interface AuditEntry {
  accountId: string | null;
  actorAccountId?: string | null;
  event: string;
  details?: Record<string, unknown>;
  at: string;
}

/**
 * Appends to the audit chain (domain/audit-chain.ts). Moving the chain head
 * first locks its row until the transaction ends, so concurrent appends on
 * PostgreSQL take their turns and the chain stays linear; SQLite has one writer.
 */
/** True when the account's audit log has `event` at or after `since`. */
export async function auditEventSince(db: Executor, accountId: string, event: string, since: string): Promise<boolean> {
  const row = await db
    .selectFrom('audit_log')
    .select('id')
    .where('account_id', '=', accountId)
    .where('event', '=', event)
    .where('at', '>=', since)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

// Logins write these (audit, history, emails): built once (prepared.ts).
const moveChainHeadQuery = prepared((db) =>
  db
    .updateTable('audit_chain_head')
    .set((eb) => ({ seq: eb('seq', '+', 1) }))
    .where('id', '=', 1)
    .returning(['seq', 'hash']),
);
const insertAuditQuery = prepared(
  (
    db,
    p: {
      account_id: string | null;
      actor_account_id: string | null;
      event: string;
      details: string;
      at: string;
      seq: number;
      prev_hash: string | null;
      hash: string;
    },
  ) =>
    db.insertInto('audit_log').values({
      account_id: p.account_id,
      actor_account_id: p.actor_account_id,
      event: p.event,
      details: p.details,
      at: p.at,
      seq: p.seq,
      prev_hash: p.prev_hash,
      hash: p.hash,
    }),
);
const chainHeadHashQuery = prepared((db, p: { hash: string }) =>
  db.updateTable('audit_chain_head').set({ hash: p.hash }).where('id', '=', 1),
);
const insertLoginEventQuery = prepared((db, p: LoginEvent) =>
  db.insertInto('login_events').values({
    account_id: p.account_id,
    result: p.result,
    factor: p.factor,
    ip: p.ip,
    user_agent: p.user_agent,
    at: p.at,
  } satisfies EveryColumn<LoginEvent>),
);
type NewMessage = {
  channel: OutboxTable['channel'];
  recipient: string;
  body: string;
  subject: string;
  createdAt: string;
};
/** A new outbox row's columns, but its id. */
const messageColumns = (p: NewMessage) => ({
  channel: p.channel,
  recipient: p.recipient,
  body: p.body,
  subject: p.subject,
  created_at: p.createdAt,
  attempts: 0,
});
const insertMessageQuery = prepared((db, p: NewMessage) => db.insertInto('outbox').values(messageColumns(p)));
const insertMessageWithIdQuery = prepared((db, p: NewMessage & { id: number }) =>
  db.insertInto('outbox').values({ id: p.id, ...messageColumns(p) }),
);
// The id a sealed message's row will have, taken before its insert (the
// ciphertext is bound to it), so the row is written once, whole. SQLite: the
// transaction is the one writer until it ends (transactionsAreSerial), so the
// id AUTOINCREMENT would give next stays free until the insert takes it.
// PostgreSQL: the column's sequence hands each id out once (named by
// bigserial's rule; pg_get_serial_sequence would look it up in the catalog on
// every call, ~30 µs of the backend's CPU).
const nextSqliteMessageIdQuery = prepared((db) =>
  db.selectNoFrom(sql<number>`coalesce((select seq from sqlite_sequence where name = 'outbox'), 0) + 1`.as('id')),
);
const nextPostgresMessageIdQuery = prepared((db) => db.selectNoFrom(sql<string>`nextval('outbox_id_seq')`.as('id')));

async function nextMessageId(trx: Executor): Promise<number> {
  const row = transactionsAreSerial(trx)
    ? await nextSqliteMessageIdQuery.first(trx, {})
    : await nextPostgresMessageIdQuery.first(trx, {});
  if (!row) throw new Error('no outbox id to take');
  return Number(row.id);
}

export async function appendAudit(db: Executor, entry: AuditEntry): Promise<void> {
  await atomically(db, async (trx) => {
    const head = await moveChainHeadQuery.first(trx, {});
    if (!head) throw new Error('the audit chain head is missing');
    const row = {
      account_id: entry.accountId,
      actor_account_id: entry.actorAccountId ?? entry.accountId,
      event: entry.event,
      details: JSON.stringify(entry.details ?? {}),
      at: entry.at,
    };
    const hash = auditHash(head.seq, head.hash, row);
    await insertAuditQuery.changed(trx, { ...row, seq: head.seq, prev_hash: head.hash, hash });
    await chainHeadHashQuery.changed(trx, { hash });
    // Security events for webhooks go to their outbox in the same transaction.
    await enqueueWebhookEvents(trx, entry);
  });
}

export async function listAudit(db: Executor, accountId: string) {
  return db.selectFrom('audit_log').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
}

export type LoginEvent = Omit<LoginEventsTable, 'id'>;

export async function recordLoginEvent(db: Executor, event: LoginEvent): Promise<void> {
  await insertLoginEventQuery.changed(db, event);
}

/** The account's login history, newest first: at most `limit` events, none before `since` when given. */
export async function listLoginEvents(db: Executor, accountId: string, limit: number, since?: string) {
  let query = db.selectFrom('login_events').selectAll().where('account_id', '=', accountId);
  if (since) query = query.where('at', '>=', since);
  return query.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export interface OutgoingMessage {
  channel: OutboxTable['channel'];
  /** The address, or how to seal it once the row's id is known (the ciphertext is bound to its row). */
  recipient: string | ((messageId: number) => string);
  subject: string;
  /** The text, or how to seal it once the row's id is known. */
  body: string | ((messageId: number) => string);
  createdAt: string;
}

/** Written in the same transaction as the change it announces (transactional outbox). */
export async function enqueueMessage(db: Executor, message: OutgoingMessage): Promise<void> {
  const { channel, recipient, subject, body, createdAt } = message;
  if (typeof recipient === 'string' && typeof body === 'string') {
    await insertMessageQuery.changed(db, { channel, recipient, subject, body, createdAt });
    return;
  }
  // Sealed under the id the row will have, then written in one insert.
  await atomically(db, async (trx) => {
    const id = await nextMessageId(trx);
    await insertMessageWithIdQuery.changed(trx, {
      id,
      channel,
      subject,
      createdAt,
      recipient: typeof recipient === 'string' ? recipient : recipient(id),
      body: typeof body === 'string' ? body : body(id),
    });
  });
}

export async function listUnsentMessages(db: Executor, channel: OutboxTable['channel'], limit: number) {
  return db
    .selectFrom('outbox')
    .selectAll()
    .where('channel', '=', channel)
    .where('sent_at', 'is', null)
    .where('attempts', '<', 10)
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function markMessageSent(db: Executor, id: number, now: string): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ sent_at: now })
    .where('id', '=', id)
    .where('sent_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function markMessageFailed(db: Executor, id: number, error: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 500) }))
    .where('id', '=', id)
    .execute();
}

export async function listAllMessages(db: Executor) {
  return db.selectFrom('outbox').selectAll().orderBy('id').execute();
}

/** Queued email bodies (they carry one-time links: freeze, password reset, recovery continue) are encrypted. */
export async function listEmailBodies(db: Executor): Promise<Array<{ id: number; body: string }>> {
  return db.selectFrom('outbox').select(['id', 'body']).where('channel', '=', 'email').execute();
}

/** Queued SMS bodies (they carry codes) and recipients (phone numbers) are encrypted: key rotation re-encrypts them. */
export async function listEncryptedSms(db: Executor): Promise<Array<{ id: number; body: string; recipient: string }>> {
  return db.selectFrom('outbox').select(['id', 'body', 'recipient']).where('channel', '=', 'sms').execute();
}

export async function updateMessageBody(db: Executor, id: number, body: string): Promise<void> {
  await db.updateTable('outbox').set({ body }).where('id', '=', id).execute();
}

export async function updateMessageRecipient(db: Executor, id: number, recipient: string): Promise<void> {
  await db.updateTable('outbox').set({ recipient }).where('id', '=', id).execute();
}

/** True when a login from `ip` got past this account's password since `since` (`results` say which outcomes mean that). */
export async function passedPasswordFrom(
  db: Executor,
  accountId: string,
  ip: string,
  since: string,
  results: readonly LoginResult[],
): Promise<boolean> {
  const row = await db
    .selectFrom('login_events')
    .select('id')
    .where('account_id', '=', accountId)
    .where('at', '>=', since)
    .where('ip', '=', ip)
    .where('result', 'in', results)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

// ── The audit chain (domain/audit-chain.ts) ────────────────────────────────

export async function readAuditChainHead(db: Executor) {
  return db
    .selectFrom('audit_chain_head')
    .select(['seq', 'hash', 'alerted'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
}

export async function setAuditChainAlerted(db: Executor, alerted: string): Promise<void> {
  await db.updateTable('audit_chain_head').set({ alerted }).where('id', '=', 1).execute();
}

/** Up to `limit` audit rows after row id `afterId`, in insertion order. */
export async function listAuditPage(db: Executor, afterId: number, limit: number) {
  return db
    .selectFrom('audit_log')
    .select(['id', 'account_id', 'actor_account_id', 'event', 'details', 'at', 'seq', 'prev_hash', 'hash'])
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function findAuditBySeq(db: Executor, seq: number) {
  return db.selectFrom('audit_log').select(['id', 'seq', 'hash']).where('seq', '=', seq).executeTakeFirst();
}
