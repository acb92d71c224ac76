// Shapes of the API answers the UI reads (docs: shared/spec/http-api.md).

import type { SecondFactorMethod } from '../../domain/second-factor.ts';
import type { WithdrawalLockReason } from '../../domain/withdrawal-lock.ts';

export type { SecondFactorMethod };

export interface Warning {
  code: 'clock_drift' | 'backup_codes_low' | 'backup_codes_exhausted' | string;
  driftSeconds?: number;
  remaining?: number;
  [extra: string]: unknown;
}

export type LoginAnswer =
  | { status: 'authenticated'; expiresAt: string }
  | { status: 'second_factor_required'; challenge: string; methods: SecondFactorMethod[]; expiresAt: string };

export interface VerifyAnswer {
  status: 'authenticated';
  expiresAt: string;
  warnings?: Warning[];
  backupCodesRemaining?: number;
}

export interface SecurityState {
  accountId?: string;
  role?: 'user' | 'support';
  email: string;
  twoFactor: {
    enabled: boolean;
    totp?: { bound: boolean; boundAt?: string | null } | null;
    backupCodes?: { total: number; remaining: number; setId: string; issuedAt: string } | null;
    securityKeys?: { id: string; name: string; createdAt: string; lastUsedAt?: string | null }[];
    sms?: { phone: string; verified: boolean } | null;
  };
  withdrawalLock: { locked: boolean; until?: string; reason?: WithdrawalLockReason };
  recovery: { ticketId: string; status: string } | null;
}

export interface TotpSetup {
  setupId: string;
  secret: string;
  otpauthUri: string;
  qrSvg: string;
  expiresAt: string;
}

export interface ConfirmAnswer {
  backupCodes: { setId: string; issuedAt: string; codes: string[] };
  revealToken: string;
  revealExpiresAt: string;
}

export interface Withdrawal {
  withdrawalId: string;
  asset: string;
  amount: string | number;
  address: string;
  status: string;
  createdAt: string;
}

export type TicketKind = 'lost_two_factor' | 'full_verification';
export type EvidenceKind = 'id_document' | 'selfie_video' | 'login_history';

export interface RecoveryTicket {
  ticketId: string;
  kind: TicketKind;
  status: string;
  reviewDueBy?: string | null;
  decidedAt?: string | null;
  decisionNote?: string | null;
}

export interface QueueItem {
  ticketId: string;
  kind: TicketKind;
  status: string;
  email: string;
  submittedAt: string;
  reviewDueBy: string;
}

export interface SupportTicketView {
  ticket: {
    ticketId: string;
    kind: TicketKind;
    status: string;
    email: string;
    submittedAt: string | null;
    reviewDueBy: string | null;
    decidedAt: string | null;
    decisionNote: string | null;
    approvals: { agentEmail: string; decision: string; note: string; at: string }[];
    approvalsRequired: number;
  };
  evidence: { evidenceId: string; kind: string; mimeType: string; size: number; createdAt: string }[];
  loginHistory: { at: string; ip: string; userAgent: string; result: string; factor: string | null }[];
  claimant: { ip: string; userAgent: string; at: string } | null;
  comparison: { summary: string[]; sameIpRange: boolean; sameBrowserFamily: boolean; deviceSeenBefore: boolean } | null;
}
