// What the evidence quotas count and what the retention jobs delete (issue 15 item 6).
import type { Executor } from './executor.ts';
import { changed } from './executor.ts';

export interface EvidenceUsageRow {
  ticketBytes: number;
  accountBytes: number;
  oldestInWindow: string | undefined;
}

/** Bytes the ticket holds, and bytes the account uploaded (to any ticket) since `since`. */
export async function evidenceUsage(
  db: Executor,
  ticketId: string,
  accountId: string,
  since: string,
): Promise<EvidenceUsageRow> {
  const ticket = await db
    .selectFrom('recovery_evidence')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number | string>('size'), eb.lit(0)).as('bytes'))
    .where('ticket_id', '=', ticketId)
    .executeTakeFirstOrThrow();
  const account = await db
    .selectFrom('recovery_evidence as e')
    .innerJoin('recovery_tickets as t', 't.id', 'e.ticket_id')
    .select((eb) => [
      eb.fn.coalesce(eb.fn.sum<number | string>('e.size'), eb.lit(0)).as('bytes'),
      eb.fn.min('e.created_at').as('oldest'),
    ])
    .where('t.account_id', '=', accountId)
    .where('e.created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return {
    ticketBytes: Number(ticket.bytes),
    accountBytes: Number(account.bytes),
    oldestInWindow: account.oldest ?? undefined,
  };
}

/** Tickets decided, or expired, before `cutoff` that still hold evidence. */
export async function closedTicketsWithEvidence(
  db: Executor,
  cutoff: string,
): Promise<Array<{ id: string; account_id: string }>> {
  return db
    .selectFrom('recovery_tickets as t')
    .select(['t.id', 't.account_id'])
    .where((eb) =>
      eb.or([
        eb.and([eb('t.status', 'in', ['approved', 'rejected']), eb('t.decided_at', '<=', cutoff)]),
        eb.and([eb('t.status', '=', 'expired'), eb('t.evidence_due_by', '<=', cutoff)]),
      ]),
    )
    .where((eb) =>
      eb.exists(eb.selectFrom('recovery_evidence as e').select('e.id').whereRef('e.ticket_id', '=', 't.id')),
    )
    .orderBy('t.id')
    .execute();
}

export async function deleteTicketEvidence(db: Executor, ticketId: string, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  return changed(
    await db
      .deleteFrom('recovery_evidence')
      .where('ticket_id', '=', ticketId)
      .where('id', 'in', ids)
      .executeTakeFirst(),
  );
}

/** Deletes what expired, was revoked or was sent before `cutoff`; counts per kind. */
export async function purgeExpiredRecords(db: Executor, cutoff: string): Promise<Record<string, number>> {
  const count = async (query: { executeTakeFirst(): Promise<{ numDeletedRows: bigint }> }) =>
    changed(await query.executeTakeFirst());
  return {
    sessions: await count(
      db.deleteFrom('sessions').where((eb) => eb.or([eb('expires_at', '<=', cutoff), eb('revoked_at', '<=', cutoff)])),
    ),
    loginChallenges: await count(db.deleteFrom('login_challenges').where('expires_at', '<=', cutoff)),
    webauthnChallenges: await count(db.deleteFrom('webauthn_challenges').where('expires_at', '<=', cutoff)),
    smsCodes: await count(db.deleteFrom('sms_codes').where('expires_at', '<=', cutoff)),
    passwordResets: await count(db.deleteFrom('password_resets').where('expires_at', '<=', cutoff)),
    sentMessages: await count(db.deleteFrom('outbox').where('sent_at', '<=', cutoff)),
    freezeLinks: await count(db.deleteFrom('freeze_links').where('expires_at', '<=', cutoff)),
  };
}
