// The recovery ticket's state machine (docs/recovery-ticket.md draws it).
// Pure: every function takes the time and the facts it needs and returns the
// next state, or throws DomainError('invalid_state') for a move the machine
// does not allow. Storage then writes the move with a guarded UPDATE on the
// old status, so two racing requests can't both make it.
//
//   awaiting_evidence ──submit──▶ in_review ──decide──▶ approved | rejected
//   awaiting_evidence ──14 days without submission──▶ expired
//   awaiting_evidence | in_review ──cancel (the account's second factor)──▶ cancelled
import { retryAfterSeconds } from './attempt-budget.ts';
import { addBusinessDays } from './business-days.ts';
import { DomainError } from './errors.ts';
import type { EvidenceKind } from './evidence-types.ts';
import { RECOVERY_LINK_AFTER_DECISION_MS } from './policy.ts';

export const TICKET_KINDS = ['lost_two_factor', 'full_verification'] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];
export const TICKET_STATUSES = [
  'awaiting_evidence',
  'in_review',
  'approved',
  'rejected',
  'expired',
  'cancelled',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const DECISIONS = ['approve', 'reject'] as const;
export type Decision = (typeof DECISIONS)[number];

/** Evidence must be submitted within 14 days of opening, or the ticket expires. */
export const EVIDENCE_WINDOW_DAYS = 14;
/** The guide's "wait 24-72 hours": a lost-2FA ticket is reviewed within 72 hours. */
export const LOST_TWO_FACTOR_REVIEW_HOURS = 72;
/** The guide's emergency plan: "wait 5-15 business days". */
export const FULL_VERIFICATION_REVIEW_BUSINESS_DAYS = 15;

/**
 * What a ticket must carry to be submitted, and what helps the agents decide
 * (the guide's emergency plan: "ID card / KYC video / historical login
 * evidence"). Submission checks the first; the UI's checklist shows both.
 */
export const REQUIRED_EVIDENCE: Readonly<Record<TicketKind, readonly EvidenceKind[]>> = {
  lost_two_factor: ['id_document'],
  full_verification: ['id_document'],
};
export const RECOMMENDED_EVIDENCE: Readonly<Record<TicketKind, readonly EvidenceKind[]>> = {
  lost_two_factor: ['login_history'],
  full_verification: ['selfie_video', 'login_history'],
};
/**
 * After a full verification of an account is rejected or cancelled, no new one
 * for that account for a week: its freeze can't be renewed at once as a weapon.
 */
export const FULL_VERIFICATION_COOLDOWN_DAYS = 7;

export interface TicketFacts {
  readonly kind: TicketKind;
  readonly status: TicketStatus;
  readonly accountId: string;
  readonly evidenceDueBy: Date;
  readonly reviewDueBy: Date | null;
}

export interface RecordedDecision {
  readonly agentId: string;
  readonly decision: Decision;
}

export function evidenceDueBy(openedAt: Date): Date {
  return new Date(openedAt.getTime() + EVIDENCE_WINDOW_DAYS * 24 * 3600_000);
}

/** Identity verification clears every factor, so it takes two agents (four-eyes). */
export function approvalsRequired(kind: TicketKind): number {
  return kind === 'full_verification' ? 2 : 1;
}

export function reviewDueBy(kind: TicketKind, submittedAt: Date, holidays: readonly string[]): Date {
  return kind === 'lost_two_factor'
    ? new Date(submittedAt.getTime() + LOST_TWO_FACTOR_REVIEW_HOURS * 3600_000)
    : addBusinessDays(submittedAt, FULL_VERIFICATION_REVIEW_BUSINESS_DAYS, holidays);
}

/** Past its evidence window without a submission, or cancelled: the ticket (and its token) is dead. */
export function isLapsed(ticket: Pick<TicketFacts, 'status' | 'evidenceDueBy'>, now: Date): boolean {
  return (
    ticket.status === 'expired' ||
    ticket.status === 'cancelled' ||
    (ticket.status === 'awaiting_evidence' && now >= ticket.evidenceDueBy)
  );
}

/** Still awaiting evidence within its window, or in review: a ticket that can be cancelled. */
export function isOpen(ticket: Pick<TicketFacts, 'status' | 'evidenceDueBy'>, now: Date): boolean {
  return ticket.status === 'in_review' || (ticket.status === 'awaiting_evidence' && !isLapsed(ticket, now));
}

/**
 * Opening a ticket: another open ticket never blocks it (a password-only
 * squatter can't keep the owner's own ticket out), but a full verification
 * waits out the cooldown after the account's last one was rejected or cancelled.
 */
export function assertMayOpen(kind: TicketKind, lastFullVerificationClosedAt: Date | null, now: Date): void {
  if (kind !== 'full_verification' || lastFullVerificationClosedAt === null) return;
  const until = new Date(lastFullVerificationClosedAt.getTime() + FULL_VERIFICATION_COOLDOWN_DAYS * 24 * 3600_000);
  if (now < until) {
    throw new DomainError(
      'rate_limited',
      `A full identity verification of this account ended recently: a new one can be opened after ${until.toISOString()}. A lost-2FA ticket can be opened now.`,
      { retryAfter: retryAfterSeconds(until, now), lockedUntil: until.toISOString() },
    );
  }
}

/** awaiting_evidence | in_review → cancelled: someone passed the account's second factor. Ends a freeze. */
export function cancel(ticket: TicketFacts, now: Date): { status: 'cancelled' } {
  if (!isOpen(ticket, now)) {
    throw new DomainError('invalid_state', `The ticket is ${ticket.status}: only an open ticket can be cancelled.`);
  }
  return { status: 'cancelled' };
}

/** A full verification freezes logins from its submission until its decision. */
export function freezesLogins(ticket: Pick<TicketFacts, 'kind' | 'status'>): boolean {
  return ticket.kind === 'full_verification' && ticket.status === 'in_review';
}

export function isOverdue(ticket: Pick<TicketFacts, 'status' | 'reviewDueBy'>, now: Date): boolean {
  return ticket.status === 'in_review' && ticket.reviewDueBy !== null && now >= ticket.reviewDueBy;
}

function assertAwaitingEvidence(ticket: TicketFacts, now: Date): void {
  if (ticket.status !== 'awaiting_evidence' || isLapsed(ticket, now)) {
    throw new DomainError(
      'invalid_state',
      `The ticket is ${isLapsed(ticket, now) ? 'expired' : ticket.status}: it takes no more evidence.`,
    );
  }
}

/** Enough for an ID, a selfie video and login records; bounds the disk one ticket token can fill. */
export const MAX_EVIDENCE_PER_TICKET = 20;

export function assertAcceptsEvidence(ticket: TicketFacts, now: Date, evidenceCount: number): void {
  assertAwaitingEvidence(ticket, now);
  if (evidenceCount >= MAX_EVIDENCE_PER_TICKET) {
    throw new DomainError('invalid_state', `A ticket takes at most ${MAX_EVIDENCE_PER_TICKET} files.`);
  }
}

/** awaiting_evidence → in_review; needs an identity document. */
export function submit(
  ticket: TicketFacts,
  now: Date,
  evidenceKinds: readonly string[],
  holidays: readonly string[],
): { status: 'in_review'; submittedAt: Date; reviewDueBy: Date } {
  assertAwaitingEvidence(ticket, now);
  const missing = REQUIRED_EVIDENCE[ticket.kind].filter((kind) => !evidenceKinds.includes(kind));
  if (missing.length > 0) {
    throw new DomainError(
      'evidence_required',
      `Upload the required evidence before submitting: ${missing.join(', ')}.`,
    );
  }
  return { status: 'in_review', submittedAt: now, reviewDueBy: reviewDueBy(ticket.kind, now, holidays) };
}

/**
 * Whether a "continue your recovery" link of the ticket may still be used
 * (once): while the ticket awaits evidence within its window or is in review,
 * and for RECOVERY_LINK_AFTER_DECISION_MS after an approval or a rejection.
 * Never for an expired or cancelled ticket: the link dies with the ticket.
 */
export function continueLinkUsable(
  ticket: Pick<TicketFacts, 'status' | 'evidenceDueBy'> & { readonly decidedAt: Date | null },
  now: Date,
): boolean {
  if (ticket.status === 'approved' || ticket.status === 'rejected') {
    return ticket.decidedAt !== null && now.getTime() < ticket.decidedAt.getTime() + RECOVERY_LINK_AFTER_DECISION_MS;
  }
  return isOpen(ticket, now);
}

/** awaiting_evidence → expired, once the evidence window has passed. */
export function expire(ticket: TicketFacts, now: Date): { status: 'expired' } {
  if (ticket.status !== 'awaiting_evidence' || now < ticket.evidenceDueBy) {
    throw new DomainError('invalid_state', 'Only a ticket past its evidence window can expire.');
  }
  return { status: 'expired' };
}

export interface DecisionOutcome {
  /** The ticket's status after this decision (in_review while approvals are missing). */
  readonly status: 'in_review' | 'approved' | 'rejected';
  readonly final: boolean;
  readonly approvals: number;
  readonly approvalsRequired: number;
}

/**
 * in_review → approved | rejected. One rejection ends the review; approval
 * needs `approvalsRequired` approvals from different agents. No agent decides
 * a ticket of their own account.
 */
export function decide(
  ticket: TicketFacts,
  earlier: readonly RecordedDecision[],
  agentId: string,
  decision: Decision,
): DecisionOutcome {
  if (ticket.status === 'approved' || ticket.status === 'rejected') {
    throw new DomainError('already_decided', `The ticket is already ${ticket.status}.`);
  }
  if (ticket.status !== 'in_review')
    throw new DomainError('invalid_state', `The ticket is ${ticket.status}, not in review.`);
  if (ticket.accountId === agentId)
    throw new DomainError('own_ticket', 'You cannot decide a recovery ticket for your own account.');
  if (earlier.some((d) => d.agentId === agentId)) {
    throw new DomainError('already_decided', 'You have already decided this ticket: another agent must review it.');
  }
  const required = approvalsRequired(ticket.kind);
  const approvals = earlier.filter((d) => d.decision === 'approve').length + (decision === 'approve' ? 1 : 0);
  if (decision === 'reject') return { status: 'rejected', final: true, approvals, approvalsRequired: required };
  const final = approvals >= required;
  return { status: final ? 'approved' : 'in_review', final, approvals, approvalsRequired: required };
}
