import { changed, type Executor } from './executor.ts';
import type {
  RecoveryEvidenceTable,
  RecoveryLinksTable,
  RecoveryTicketsTable,
  TicketDecisionsTable,
} from './schema.ts';

/** The account's ticket that is still awaiting evidence or in review, if any. */
export async function findOpenTicket(db: Executor, accountId: string) {
  return db
    .selectFrom('recovery_tickets')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('status', 'in', ['awaiting_evidence', 'in_review'])
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
}

/** Every ticket of the account still awaiting evidence or in review, oldest first (lapsed ones included). */
export async function listOpenTickets(db: Executor, accountId: string): Promise<TicketRow[]> {
  return db
    .selectFrom('recovery_tickets')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('status', 'in', ['awaiting_evidence', 'in_review'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** The account's most recently approved ticket: the only one whose token may bind the new authenticator. */
export async function findLatestApprovedTicket(db: Executor, accountId: string): Promise<TicketRow | undefined> {
  return db
    .selectFrom('recovery_tickets')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('status', '=', 'approved')
    .orderBy('decided_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

/** When the account's last full verification was rejected or cancelled (the cooldown starts there). */
export async function lastClosedFullVerificationAt(db: Executor, accountId: string): Promise<string | null> {
  const row = await db
    .selectFrom('recovery_tickets')
    .select((eb) => eb.fn.max('decided_at').as('at'))
    .where('account_id', '=', accountId)
    .where('kind', '=', 'full_verification')
    .where('status', 'in', ['rejected', 'cancelled'])
    .executeTakeFirst();
  return row?.at ?? null;
}

// ── Tickets, evidence and decisions (issue 6) ──────────────────────────────
// Every state change is a guarded UPDATE on the old status: the affected-row
// count says whether this request made the move.

export type TicketRow = RecoveryTicketsTable;
export type EvidenceRow = RecoveryEvidenceTable;
export type DecisionRow = TicketDecisionsTable;

export async function insertTicket(db: Executor, row: TicketRow): Promise<void> {
  await db.insertInto('recovery_tickets').values(row).execute();
}

export async function findTicketById(db: Executor, id: string): Promise<TicketRow | undefined> {
  return db.selectFrom('recovery_tickets').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findTicketByTokenHash(db: Executor, tokenHash: string): Promise<TicketRow | undefined> {
  return db.selectFrom('recovery_tickets').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Locks the ticket row while it is still in `status` (a no-op UPDATE); false when it moved on. */
export async function holdTicketIn(db: Executor, id: string, status: TicketRow['status']): Promise<boolean> {
  const result = await db
    .updateTable('recovery_tickets')
    .set((eb) => ({ status: eb.ref('status') }))
    .where('id', '=', id)
    .where('status', '=', status)
    .executeTakeFirst();
  return changed(result) === 1;
}

export async function markSubmitted(
  db: Executor,
  id: string,
  submittedAt: string,
  reviewDueBy: string,
): Promise<boolean> {
  const result = await db
    .updateTable('recovery_tickets')
    .set({ status: 'in_review', submitted_at: submittedAt, review_due_by: reviewDueBy })
    .where('id', '=', id)
    .where('status', '=', 'awaiting_evidence')
    .where('evidence_due_by', '>', submittedAt)
    .executeTakeFirst();
  return changed(result) === 1;
}

export async function markDecided(
  db: Executor,
  id: string,
  status: 'approved' | 'rejected',
  at: string,
  note: string,
): Promise<boolean> {
  const result = await db
    .updateTable('recovery_tickets')
    .set({ status, decided_at: at, decision_note: note })
    .where('id', '=', id)
    .where('status', '=', 'in_review')
    .executeTakeFirst();
  return changed(result) === 1;
}

/** An open ticket → cancelled (guarded on the status it was read in); false when it moved on meanwhile. */
export async function markCancelled(
  db: Executor,
  id: string,
  from: 'awaiting_evidence' | 'in_review',
  at: string,
  note: string,
): Promise<boolean> {
  const result = await db
    .updateTable('recovery_tickets')
    .set({ status: 'cancelled', decided_at: at, decision_note: note })
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst();
  return changed(result) === 1;
}

export async function markExpired(db: Executor, id: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('recovery_tickets')
    .set({ status: 'expired' })
    .where('id', '=', id)
    .where('status', '=', 'awaiting_evidence')
    .where('evidence_due_by', '<=', now)
    .executeTakeFirst();
  return changed(result) === 1;
}

export async function markOverdueNotified(db: Executor, id: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('recovery_tickets')
    .set({ overdue_notified_at: now })
    .where('id', '=', id)
    .where('status', '=', 'in_review')
    .where('overdue_notified_at', 'is', null)
    .executeTakeFirst();
  return changed(result) === 1;
}

export async function listLapsedTickets(db: Executor, now: string, limit: number): Promise<TicketRow[]> {
  return db
    .selectFrom('recovery_tickets')
    .selectAll()
    .where('status', '=', 'awaiting_evidence')
    .where('evidence_due_by', '<=', now)
    .orderBy('evidence_due_by')
    .limit(limit)
    .execute();
}

export async function listOverdueUnnotified(db: Executor, now: string, limit: number): Promise<TicketRow[]> {
  return db
    .selectFrom('recovery_tickets')
    .selectAll()
    .where('status', '=', 'in_review')
    .where('review_due_by', '<=', now)
    .where('overdue_notified_at', 'is', null)
    .orderBy('review_due_by')
    .limit(limit)
    .execute();
}

/** The support queue: tickets in `status` with the account's email, due soonest first. */
export async function listQueue(db: Executor, status: TicketRow['status'], limit: number) {
  return (
    db
      .selectFrom('recovery_tickets as t')
      .innerJoin('accounts as a', 'a.id', 't.account_id')
      // The owner's "this wasn't me" freeze in force, if any (at most one per account).
      .leftJoin('account_freezes as f', (join) =>
        join.onRef('f.account_id', '=', 't.account_id').on('f.ended_at', 'is', null),
      )
      .selectAll('t')
      .select(['a.email', 'f.frozen_at as frozen_by_owner_at'])
      .where('t.status', '=', status)
      .orderBy('t.review_due_by')
      .orderBy('t.evidence_due_by')
      .orderBy('t.created_at')
      .limit(limit)
      .execute()
  );
}

export async function insertEvidence(db: Executor, row: EvidenceRow): Promise<void> {
  await db.insertInto('recovery_evidence').values(row).execute();
}

export async function listEvidence(db: Executor, ticketId: string): Promise<EvidenceRow[]> {
  return db
    .selectFrom('recovery_evidence')
    .selectAll()
    .where('ticket_id', '=', ticketId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function findEvidence(db: Executor, ticketId: string, id: string): Promise<EvidenceRow | undefined> {
  return db
    .selectFrom('recovery_evidence')
    .selectAll()
    .where('ticket_id', '=', ticketId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function insertDecision(db: Executor, row: DecisionRow): Promise<void> {
  await db.insertInto('ticket_decisions').values(row).execute();
}

/** The ticket's decisions in order, with each agent's email. */
export async function listDecisions(db: Executor, ticketId: string) {
  return db
    .selectFrom('ticket_decisions as d')
    .innerJoin('accounts as a', 'a.id', 'd.agent_account_id')
    .selectAll('d')
    .select('a.email as agent_email')
    .where('d.ticket_id', '=', ticketId)
    .orderBy('d.at')
    .orderBy('d.id')
    .execute();
}

export async function listSupportAgentEmails(db: Executor): Promise<string[]> {
  const rows = await db.selectFrom('accounts').select('email').where('role', '=', 'support').orderBy('email').execute();
  return rows.map((r) => r.email);
}

export async function listEvidenceKeyVersions(db: Executor): Promise<Array<{ id: string; key_version: string }>> {
  return db.selectFrom('recovery_evidence').select(['id', 'key_version']).execute();
}

export async function updateEvidenceKeyVersion(db: Executor, id: string, keyVersion: string): Promise<void> {
  await db.updateTable('recovery_evidence').set({ key_version: keyVersion }).where('id', '=', id).execute();
}

// ── "Continue your recovery" links (issue 14, #1) ──────────────────────────

export type RecoveryLinkRow = RecoveryLinksTable;

export async function insertRecoveryLink(db: Executor, row: RecoveryLinkRow): Promise<void> {
  await db.insertInto('recovery_links').values(row).execute();
}

export async function findRecoveryLink(db: Executor, tokenHash: string): Promise<RecoveryLinkRow | undefined> {
  return db.selectFrom('recovery_links').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Spends the link (guarded on its still being unused): false when another request used it first. */
export async function useRecoveryLink(db: Executor, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('recovery_links')
    .set({ used_at: at })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return changed(result) === 1;
}

/** A fresh ticket token: the one held so far (another tab, another browser) stops working. */
export async function replaceTicketToken(db: Executor, ticketId: string, tokenHash: string): Promise<void> {
  await db.updateTable('recovery_tickets').set({ token_hash: tokenHash }).where('id', '=', ticketId).execute();
}
