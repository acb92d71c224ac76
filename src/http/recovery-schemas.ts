// TypeBox schemas of the recovery and support calls (issue 6). They type the
// routes, validate input (closed objects: unknown fields are a 400) and
// document the API in /openapi.json.
import { Type } from 'typebox';
import { closed, Token } from './schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Time = Type.String({ format: 'date-time' });

// Spelled out (not mapped from the domain lists) so TypeBox infers literal types.
export const TicketKindSchema = Type.Union([Type.Literal('lost_two_factor'), Type.Literal('full_verification')]);
export const TicketStatusSchema = Type.Union([
  Type.Literal('awaiting_evidence'),
  Type.Literal('in_review'),
  Type.Literal('approved'),
  Type.Literal('rejected'),
  Type.Literal('expired'),
  Type.Literal('cancelled'),
]);
const EvidenceKindSchema = Type.Union([
  Type.Literal('id_document'),
  Type.Literal('selfie_video'),
  Type.Literal('login_history'),
]);

export const TicketParams = closed({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export const EvidenceParams = closed({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  evidenceId: Type.String({ minLength: 1, maxLength: 64 }),
});

export const OpenTicketBody = closed({ challenge: Token, kind: TicketKindSchema });
export const OpenedTicket = Type.Object({
  ticketId: Type.String(),
  ticketToken: Type.String(),
  status: Type.Literal('awaiting_evidence'),
  evidenceDueBy: Time,
});

export const EvidenceCreated = Type.Object({ evidenceId: Type.String() });
export const Submitted = Type.Object({ status: Type.Literal('in_review'), reviewDueBy: Time });

export const ClaimantTicket = Type.Object({
  ticketId: Type.String(),
  kind: TicketKindSchema,
  status: TicketStatusSchema,
  reviewDueBy: Nullable(Time),
  decidedAt: Nullable(Time),
  decisionNote: Nullable(Type.String()),
  evidenceDueBy: Time,
  evidence: Type.Array(
    Type.Object({
      evidenceId: Type.String(),
      kind: EvidenceKindSchema,
      mimeType: Type.String(),
      size: Type.Integer(),
      fileName: Type.String(),
      createdAt: Time,
    }),
  ),
});

export const QueueQuery = closed({ status: Type.Optional(TicketStatusSchema) });
export const Queue = Type.Object({
  tickets: Type.Array(
    Type.Object({
      ticketId: Type.String(),
      kind: TicketKindSchema,
      status: TicketStatusSchema,
      email: Type.String(),
      submittedAt: Nullable(Time),
      reviewDueBy: Nullable(Time),
      overdue: Type.Boolean(),
    }),
  ),
});

export const SupportTicket = Type.Object({
  ticket: Type.Object({
    ticketId: Type.String(),
    kind: TicketKindSchema,
    status: TicketStatusSchema,
    email: Type.String(),
    submittedAt: Nullable(Time),
    reviewDueBy: Nullable(Time),
    decidedAt: Nullable(Time),
    decisionNote: Nullable(Type.String()),
    approvals: Type.Array(
      Type.Object({ agentEmail: Type.String(), decision: Type.String(), note: Type.String(), at: Time }),
    ),
    approvalsRequired: Type.Integer(),
  }),
  evidence: Type.Array(
    Type.Object({
      evidenceId: Type.String(),
      kind: EvidenceKindSchema,
      mimeType: Type.String(),
      size: Type.Integer(),
      createdAt: Time,
    }),
  ),
  loginHistory: Type.Array(
    Type.Object({
      at: Time,
      ip: Type.String(),
      userAgent: Type.String(),
      result: Type.String(),
      factor: Nullable(Type.String()),
    }),
  ),
  claimant: Type.Object({ ip: Type.String(), userAgent: Type.String(), at: Time }),
  comparison: Type.Object({
    summary: Type.Array(Type.String()),
    sameIpRange: Type.Boolean(),
    sameBrowserFamily: Type.Boolean(),
    deviceSeenBefore: Type.Boolean(),
  }),
});

export const DecisionBody = closed({
  decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
  note: Type.String({ minLength: 1, maxLength: 2000 }),
});
export const DecisionResult = Type.Object({
  status: TicketStatusSchema,
  approvals: Type.Integer(),
  approvalsRequired: Type.Integer(),
});
