// /v1/sessions: the password step, the second-factor step, logout, and the
// helpers of the second step (SMS code, security-key options).
import { type Static, Type } from 'typebox';
import {
  Code,
  closed,
  Email,
  Nullable,
  Password,
  SecondFactorMethod,
  StepUpFields,
  Time,
  Token,
  Warning,
  WebauthnJson,
} from './common.ts';
import { TicketKind, TicketStatus } from './recovery.ts';

export const LoginBody = closed({ email: Email, password: Password });
export const LoginResponse = Type.Union([
  closed({ status: Type.Literal('authenticated'), token: Type.String(), expiresAt: Time }),
  closed({
    status: Type.Literal('second_factor_required'),
    challenge: Type.String(),
    methods: Type.Array(SecondFactorMethod, { description: 'Only the methods the account has bound.' }),
    expiresAt: Time,
    backupCodesRemaining: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Unused backup codes, when `backup_code` is among the methods.' }),
    ),
  }),
]);

export const VerifyBody = closed({
  challenge: Token,
  method: SecondFactorMethod,
  code: Type.Optional(Code),
  response: Type.Optional(WebauthnJson),
});
export const VerifyResponse = closed({
  status: Type.Literal('authenticated'),
  token: Type.String(),
  expiresAt: Time,
  warnings: Type.Array(Warning),
  backupCodesRemaining: Type.Optional(Type.Integer({ minimum: 0 })),
});

/** The login challenge of the password step, for the calls that help the second step. */
export const ChallengeBody = closed({ challenge: Token });

/** The account's open recovery tickets, shown on the second-factor step. */
export const ChallengeQuery = closed({ challenge: Token });
export const OpenTicketSummary = closed({
  ticketId: Type.String(),
  kind: TicketKind,
  status: TicketStatus,
  openedAt: Time,
  reviewDueBy: Nullable(Time),
});
export const OpenTickets = closed({ tickets: Type.Array(OpenTicketSummary) });
export const CancelTicketsBody = closed({ challenge: Token, ...StepUpFields });
export const TicketsCancelled = closed({
  cancelled: Type.Array(Type.String()),
  warnings: Type.Array(Warning),
  backupCodesRemaining: Type.Optional(Type.Integer({ minimum: 0 })),
});

/** A signed-in session proves a second factor again (an app asked for a fresh or stronger one). */
export const ReauthenticateBody = closed(StepUpFields);
export const Reauthenticated = closed({
  method: SecondFactorMethod,
  provenAt: Time,
  warnings: Type.Array(Warning),
  backupCodesRemaining: Type.Optional(Type.Integer({ minimum: 0 })),
});

export type Reauthenticated = Static<typeof Reauthenticated>;
export type OpenTickets = Static<typeof OpenTickets>;
export type TicketsCancelled = Static<typeof TicketsCancelled>;
export type LoginBody = Static<typeof LoginBody>;
export type LoginResponse = Static<typeof LoginResponse>;
export type VerifyBody = Static<typeof VerifyBody>;
export type VerifyResponse = Static<typeof VerifyResponse>;
export type ChallengeBody = Static<typeof ChallengeBody>;
