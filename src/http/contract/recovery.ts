// The claimant's recovery-ticket calls under /v1/recovery (Ticket auth).
import { type Static, Type } from 'typebox';
import { EVIDENCE_KINDS } from '../../domain/evidence-types.ts';
import { TICKET_KINDS, TICKET_STATUSES } from '../../domain/recovery-ticket.ts';
import {
  Binary,
  ConfirmBindingBody,
  closed,
  Id,
  IssuedBackupCodes,
  Nullable,
  StringEnum,
  Time,
  Token,
} from './common.ts';

export const TicketKind = StringEnum(TICKET_KINDS);
export const TicketStatus = StringEnum(TICKET_STATUSES);
export const EvidenceKind = StringEnum(EVIDENCE_KINDS);

export const TicketParams = closed({ id: Id });

export const OpenTicketBody = closed({ challenge: Token, kind: TicketKind });

/** "Continue your recovery": the link's token (from the URL fragment) and a login challenge of the account. */
export const ContinueRecoveryBody = closed({ token: Token, challenge: Token });
export const ContinuedTicket = closed({ ticketId: Type.String(), ticketToken: Type.String(), status: TicketStatus });
export const OpenedTicket = closed({
  ticketId: Type.String(),
  ticketToken: Type.String(),
  status: Type.Literal('awaiting_evidence'),
  evidenceDueBy: Time,
});

/** The multipart body of an evidence upload: the field "kind" first, then "file". */
export const EvidenceUpload = closed({
  kind: EvidenceKind,
  file: { ...Binary, description: 'JPEG, PNG, PDF, MP4 or WebM as the kind allows; the type is read from the bytes' },
});
export const EvidenceCreated = closed({ evidenceId: Type.String() });
export const Submitted = closed({ status: Type.Literal('in_review'), reviewDueBy: Time });

export const ClaimantEvidence = closed({
  evidenceId: Type.String(),
  kind: EvidenceKind,
  mimeType: Type.String(),
  size: Type.Integer(),
  fileName: Type.String(),
  createdAt: Time,
});
export const TicketView = closed({
  ticketId: Type.String(),
  kind: TicketKind,
  status: TicketStatus,
  reviewDueBy: Nullable(Time),
  decidedAt: Nullable(Time),
  decisionNote: Nullable(Type.String()),
  evidenceDueBy: Time,
  evidence: Type.Array(ClaimantEvidence),
});

export const ConfirmRecoveryBindingBody = ConfirmBindingBody;
/** The new backup codes and a session (its cookies are set too). */
export const RecoveryBindingConfirmed = closed({ ...IssuedBackupCodes, token: Type.String(), expiresAt: Time });

export type TicketKind = Static<typeof TicketKind>;
export type TicketStatus = Static<typeof TicketStatus>;
export type EvidenceKind = Static<typeof EvidenceKind>;
export type OpenTicketBody = Static<typeof OpenTicketBody>;
export type OpenedTicket = Static<typeof OpenedTicket>;
export type ContinuedTicket = Static<typeof ContinuedTicket>;
export type EvidenceCreated = Static<typeof EvidenceCreated>;
export type Submitted = Static<typeof Submitted>;
export type ClaimantEvidence = Static<typeof ClaimantEvidence>;
export type TicketView = Static<typeof TicketView>;
export type RecoveryBindingConfirmed = Static<typeof RecoveryBindingConfirmed>;
