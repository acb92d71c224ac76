// GET /v1/me/security: the account's 2FA state as the user sees it
// (shaped by src/app/security-overview.ts).
import { type Static, Type } from 'typebox';
import { ACCOUNT_ROLES } from '../../domain/account-rules.ts';
import { TICKET_KINDS, TICKET_STATUSES } from '../../domain/recovery-ticket.ts';
import { WITHDRAWAL_LOCK_REASONS } from '../../domain/withdrawal-lock.ts';
import { closed, Nullable, StringEnum, Time } from './common.ts';
import { PolicyView } from './policy.ts';

export const SecurityKeyView = closed({
  id: Type.String(),
  name: Type.String(),
  createdAt: Time,
  lastUsedAt: Nullable(Time),
});

export const WithdrawalLockView = Type.Union([
  closed({ locked: Type.Literal(true), until: Time, reason: StringEnum(WITHDRAWAL_LOCK_REASONS) }),
  closed({ locked: Type.Literal(false) }),
]);

export const SecurityState = closed({
  accountId: Type.String(),
  email: Type.String(),
  role: StringEnum(ACCOUNT_ROLES),
  twoFactor: closed({
    enabled: Type.Boolean(),
    totp: Type.Union([
      closed({ bound: Type.Literal(true), boundAt: Nullable(Time) }),
      closed({ bound: Type.Literal(false) }),
    ]),
    backupCodes: Nullable(
      closed({ total: Type.Integer(), remaining: Type.Integer(), setId: Type.String(), issuedAt: Time }),
    ),
    securityKeys: Type.Array(SecurityKeyView),
    sms: Nullable(closed({ phone: Type.String({ description: 'Masked.' }), verified: Type.Boolean() })),
  }),
  withdrawalLock: WithdrawalLockView,
  /** The rules' numbers (src/app/public-policy.ts). */
  policy: PolicyView,
  recovery: Nullable(
    closed({
      ticketId: Type.String(),
      status: StringEnum(TICKET_STATUSES),
      kind: StringEnum(TICKET_KINDS),
      reviewDueBy: Nullable(Time),
    }),
  ),
});

export type SecurityKeyView = Static<typeof SecurityKeyView>;
export type WithdrawalLockView = Static<typeof WithdrawalLockView>;
export type SecurityState = Static<typeof SecurityState>;
