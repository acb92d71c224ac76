// The support console's calls under /v1/support (agents only).
import { type Static, Type } from 'typebox';
import { ALLOWED_TYPES } from '../../domain/evidence-types.ts';
import { DECISIONS } from '../../domain/recovery-ticket.ts';
import { LOGIN_RESULTS } from '../../domain/sign-in-activity.ts';
import { Binary, closed, Id, MultilineText, Nullable, SecondFactorMethod, StringEnum, Time } from './common.ts';
import { EvidenceKind, TicketKind, TicketStatus } from './recovery.ts';

export const QueueQuery = closed({ status: Type.Optional(TicketStatus) });
const TicketSummary = {
  ticketId: Type.String(),
  kind: TicketKind,
  status: TicketStatus,
  email: Type.String(),
  submittedAt: Nullable(Time),
  reviewDueBy: Nullable(Time),
  frozenByOwnerAt: Nullable(
    Type.String({
      format: 'date-time',
      description:
        'When the owner froze the account ("this wasn\'t me"), while that freeze is in force; approving a ticket ends it.',
    }),
  ),
};
export const QueueItem = closed({ ...TicketSummary, overdue: Type.Boolean() });
export const Queue = closed({ tickets: Type.Array(QueueItem) });

export const Decision = StringEnum(DECISIONS);

export const SupportTicketView = closed({
  ticket: closed({
    ...TicketSummary,
    decidedAt: Nullable(Time),
    decisionNote: Nullable(Type.String()),
    approvals: Type.Array(
      closed({
        agentEmail: Type.String(),
        decision: Decision,
        /** The note to the user: emailed, shown on their ticket page, audited. */
        note: Type.String(),
        /** For the agents only. */
        internalNote: Nullable(Type.String()),
        at: Time,
      }),
    ),
    approvalsRequired: Type.Integer(),
  }),
  /** The second factors the account has now: an approval removes all of them (and signs out every session). */
  factors: Type.Array(SecondFactorMethod),
  evidence: Type.Array(
    closed({
      evidenceId: Type.String(),
      kind: EvidenceKind,
      mimeType: Type.String(),
      size: Type.Integer(),
      createdAt: Time,
    }),
  ),
  loginHistory: Type.Array(
    closed({
      at: Time,
      ip: Type.String(),
      userAgent: Type.String(),
      browser: Type.String({ description: 'The user agent in words, e.g. "Chrome 120 on Windows 10".' }),
      result: StringEnum(LOGIN_RESULTS),
      factor: Nullable(Type.String()),
    }),
  ),
  claimant: closed({ ip: Type.String(), userAgent: Type.String(), browser: Type.String(), at: Time }),
  comparison: closed({
    summary: Type.Array(Type.String()),
    sameIpRange: Type.Boolean(),
    sameBrowserFamily: Type.Boolean(),
    deviceSeenBefore: Type.Boolean(),
  }),
});

export const EvidenceParams = closed({ id: Id, evidenceId: Id });
/** One evidence file, in the type its bytes were recognised as. */
export const EvidenceFile = {
  description: 'The decrypted file',
  content: Object.fromEntries(
    [...new Set(Object.values(ALLOWED_TYPES).flat())].map((mime) => [mime, { schema: Binary }]),
  ),
};

export const DecisionBody = closed({
  decision: Decision,
  /** The note to the user (emailed and shown on their ticket page; kept in the audit log). */
  note: MultilineText({ minLength: 1, maxLength: 2000 }),
  /** An internal note for the other agents: never shown or sent to the user. */
  internalNote: Type.Optional(MultilineText({ minLength: 0, maxLength: 2000 })),
});
export const DecisionResult = closed({
  status: TicketStatus,
  approvals: Type.Integer(),
  approvalsRequired: Type.Integer(),
});

export type QueueQuery = Static<typeof QueueQuery>;
export type QueueItem = Static<typeof QueueItem>;
export type Queue = Static<typeof Queue>;
export type Decision = Static<typeof Decision>;
export type SupportTicketView = Static<typeof SupportTicketView>;
export type DecisionBody = Static<typeof DecisionBody>;
export type DecisionResult = Static<typeof DecisionResult>;
