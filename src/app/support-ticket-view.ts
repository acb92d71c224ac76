// What an agent sees of one ticket: its facts and approvals (with each
// agent's note to the user and internal note), whether the owner froze the
// account (approving ends that freeze), the evidence list, the account's
// recent successful logins, the claimant's own request beside them with a
// plain comparison, and the second factors the account has now (what an
// approval would remove: the factor registry's list, so the console's
// confirmation never goes stale).
import { DomainError } from '../domain/errors.ts';
import { compareLogins } from '../domain/login-comparison.ts';
import { approvalsRequired } from '../domain/recovery-ticket.ts';
import { describeBrowser } from '../infra/browser-words.ts';
import { findAccountById } from '../storage/accounts-repository.ts';
import { listLoginEvents } from '../storage/events-repository.ts';
import { findOpenFreeze } from '../storage/freezes-repository.ts';
import { findTicketById, listDecisions, listEvidence } from '../storage/recovery-repository.ts';
import type { AppContext } from './context.ts';
import { FACTOR_MODULES } from './factors/registry.ts';
import { ticketFacts } from './ticket-facts.ts';

/** Recent enough to be useful, few enough to read. */
const HISTORY_SCAN = 200;
const HISTORY_SHOWN = 20;

export async function supportTicketView(ctx: AppContext, ticketId: string) {
  const db = ctx.storage.db;
  const ticket = await findTicketById(db, ticketId);
  if (!ticket) throw new DomainError('not_found', 'No such recovery ticket.');
  const [account, evidence, decisions, events, bound, freeze] = await Promise.all([
    findAccountById(db, ticket.account_id),
    listEvidence(db, ticket.id),
    listDecisions(db, ticket.id),
    listLoginEvents(db, ticket.account_id, HISTORY_SCAN),
    Promise.all(FACTOR_MODULES.map((factor) => factor.isBound(db, ticket.account_id))),
    findOpenFreeze(db, ticket.account_id),
  ]);
  // Only logins before the ticket was opened tell who the owner is.
  const history = events.filter((e) => e.result === 'success' && e.at <= ticket.created_at).slice(0, HISTORY_SHOWN);
  const claimant = { ip: ticket.claimant_ip, userAgent: ticket.claimant_user_agent };
  return {
    ticket: {
      ticketId: ticket.id,
      kind: ticket.kind,
      status: ticket.status,
      email: account?.email ?? '',
      submittedAt: ticket.submitted_at,
      reviewDueBy: ticket.review_due_by,
      frozenByOwnerAt: freeze?.frozen_at ?? null,
      decidedAt: ticket.decided_at,
      decisionNote: ticket.decision_note,
      approvals: decisions.map((d) => ({
        agentEmail: d.agent_email,
        decision: d.decision,
        note: d.note,
        internalNote: d.internal_note,
        at: d.at,
      })),
      approvalsRequired: approvalsRequired(ticketFacts(ticket).kind),
    },
    factors: FACTOR_MODULES.filter((_, i) => bound[i]).map((factor) => factor.method),
    evidence: evidence.map((e) => ({
      evidenceId: e.id,
      kind: e.kind,
      mimeType: e.mime_type,
      size: Number(e.size),
      createdAt: e.created_at,
    })),
    loginHistory: history.map((e) => ({
      at: e.at,
      ip: e.ip ?? '',
      userAgent: e.user_agent ?? '',
      browser: describeBrowser(e.user_agent),
      result: e.result,
      factor: e.factor,
    })),
    claimant: {
      ip: claimant.ip ?? '',
      userAgent: claimant.userAgent ?? '',
      browser: describeBrowser(claimant.userAgent),
      at: ticket.created_at,
    },
    comparison: compareLogins(
      claimant,
      history.map((e) => ({ ip: e.ip, userAgent: e.user_agent })),
    ),
  };
}
