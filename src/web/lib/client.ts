// The Latchkey API as the UI uses it: one function per route, typed with the
// server's own contract (src/http/contract, imported as types only, so nothing
// of the server enters the bundle). This is the only file in src/web that
// names a `/v1/` path; the transport (cookies, CSRF header, problem bodies,
// Retry-After) is api.ts.
import type { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import type { Frozen } from '../../http/contract/account-freezes.ts';
import type { AccountCreated, CreateAccountBody } from '../../http/contract/accounts.ts';
import type { ActivityList, SessionList, SessionsRevoked } from '../../http/contract/activity.ts';
import type { PendingBinding, StepUpBody } from '../../http/contract/common.ts';
import type { SecurityState } from '../../http/contract/me.ts';
import type { ResetLinkView } from '../../http/contract/passwords.ts';
import type { PolicyView } from '../../http/contract/policy.ts';
import type {
  ContinuedTicket,
  EvidenceCreated,
  EvidenceKind,
  OpenedTicket,
  RecoveryBindingConfirmed,
  Submitted,
  TicketKind,
  TicketView,
} from '../../http/contract/recovery.ts';
import type { SecurityKeyCreated } from '../../http/contract/security-keys.ts';
import type {
  LoginBody,
  LoginResponse,
  Reauthenticated,
  VerifyBody,
  VerifyResponse,
} from '../../http/contract/sessions.ts';
import type { PhoneAdded } from '../../http/contract/sms.ts';
import type { DecisionBody, DecisionResult, Queue, SupportTicketView } from '../../http/contract/support.ts';
import type { BackupCodesIssued, ExportBody } from '../../http/contract/two-factor.ts';
import type { WithdrawalAccepted, WithdrawalBody, WithdrawalList } from '../../http/contract/withdrawals.ts';
import { api, apiBlob, upload } from './api.ts';

export type { SecondFactorMethod } from '../../http/contract/common.ts';
export type { TicketStatus } from '../../http/contract/recovery.ts';
export type {
  BackupCodesIssued,
  EvidenceKind,
  PendingBinding,
  PolicyView,
  ResetLinkView,
  SecurityState,
  SupportTicketView,
  TicketKind,
  TicketView,
  VerifyBody,
  VerifyResponse,
};
export type QueueItem = Queue['tickets'][number];
export type MySession = SessionList['sessions'][number];
export type ActivityEvent = ActivityList['events'][number];
export type Withdrawal = WithdrawalList['withdrawals'][number];

// WebAuthn options are the spec's JSON (the contract leaves them open), typed as the browser library reads them.
type AssertionOptions = Parameters<typeof startAuthentication>[0]['optionsJSON'];
type CreationOptions = Parameters<typeof startRegistration>[0]['optionsJSON'];

/** The proof of a second factor for a step-up: a code, or a security-key assertion. */
export type Proof = StepUpBody;

/** A recovery ticket and the token that stands for the claimant (`Authorization: Ticket …`). */
export interface TicketAccess {
  ticketId: string;
  ticketToken: string;
}

const post = <T>(path: string, body: unknown = {}) => api<T>(path, { method: 'POST', body });
const id = encodeURIComponent;
const ticketPath = (ticketId: string) => `/v1/recovery/tickets/${id(ticketId)}`;
const supportPath = (ticketId: string) => `/v1/support/tickets/${id(ticketId)}`;

// Accounts and sessions

export const getPolicy = () => api<PolicyView>('/v1/policy');

export const createAccount = (body: CreateAccountBody) => post<AccountCreated>('/v1/accounts', body);

export const startLogin = (body: LoginBody) => post<LoginResponse>('/v1/sessions', body);

export const verifyLogin = (body: VerifyBody) => post<VerifyResponse>('/v1/sessions/verify', body);

export const loginKeyOptions = (challenge: string) =>
  post<AssertionOptions>('/v1/sessions/webauthn/options', { challenge });

export const sendLoginSms = (challenge: string) => post<unknown>('/v1/sessions/sms', { challenge });

export const signOut = () => api<void>('/v1/sessions/current', { method: 'DELETE' });

export const reauthenticate = (proof: Proof) => post<Reauthenticated>('/v1/sessions/current/second-factor', proof);

// The signed-in account

export const getSecurity = () => api<SecurityState>('/v1/me/security');

export const listMySessions = () => api<SessionList>('/v1/me/sessions');

export const signOutMySession = (sessionId: string) =>
  api<void>(`/v1/me/sessions/${id(sessionId)}`, { method: 'DELETE' });

export const signOutMyOtherSessions = () => post<SessionsRevoked>('/v1/me/sessions/revoke-others');

export const getMyActivity = () => api<ActivityList>('/v1/me/activity');

export const startTotpSetup = () => post<PendingBinding>('/v1/me/totp/setup');

export const confirmTotp = (setupId: string, code: string) =>
  post<BackupCodesIssued>('/v1/me/totp/confirm', { setupId, code });

export const exportBackupCodes = (body: ExportBody) => apiBlob('/v1/me/backup-codes/export', { method: 'POST', body });

export const revealBackupCodesAgain = (revealToken: string) =>
  post<BackupCodesIssued>('/v1/me/backup-codes/reveal', { revealToken });

export const checkBackupCode = (code: string) => post<void>('/v1/me/backup-codes/check', { code });

export const acknowledgeBackupCodes = (revealToken: string) =>
  post<void>('/v1/me/backup-codes/acknowledge', { revealToken });

export const resetTwoFactor = (password: string, proof: Proof) =>
  post<PendingBinding>('/v1/me/two-factor/reset', { password, ...proof });

export const stepUpKeyOptions = () => post<AssertionOptions>('/v1/me/security-keys/assertion-options');

export const sendStepUpSms = () => post<unknown>('/v1/me/sms/send');

export const securityKeyOptions = (proof: Proof) => post<CreationOptions>('/v1/me/security-keys/options', proof);

export const addSecurityKey = (name: string, response: unknown) =>
  post<SecurityKeyCreated>('/v1/me/security-keys', { name, response });

export const removeSecurityKey = (keyId: string, proof: Proof) =>
  api<void>(`/v1/me/security-keys/${id(keyId)}`, { method: 'DELETE', body: proof });

export const addPhone = (phone: string, proof: Proof) => post<PhoneAdded>('/v1/me/phone', { phone, ...proof });

export const verifyPhone = (code: string) => post<void>('/v1/me/phone/verify', { code });

export const removePhone = (proof: Proof) => api<void>('/v1/me/phone', { method: 'DELETE', body: proof });

// The password: change it (signed in), or reset it from an emailed link

export const changePassword = (currentPassword: string, newPassword: string, proof: Proof | null) =>
  post<void>('/v1/me/password', { currentPassword, newPassword, ...proof });

export const requestPasswordReset = (email: string) => post<unknown>('/v1/password-resets', { email });

export const checkResetLink = (token: string) => post<ResetLinkView>('/v1/password-resets/check', { token });

export const resetLinkKeyOptions = (token: string) =>
  post<AssertionOptions>('/v1/password-resets/webauthn/options', { token });

export const confirmPasswordReset = (token: string, newPassword: string, proof: Proof | null) =>
  post<void>('/v1/password-resets/confirm', { token, newPassword, ...proof });

// "This wasn't me": the link of a security email, or the signed-in owner

export const freezeWithLink = (token: string) => post<Frozen>('/v1/account-freezes', { token });

export const freezeSignedIn = () => post<Frozen>('/v1/account-freezes', {});

// Withdrawals

export const listWithdrawals = () => api<WithdrawalList>('/v1/withdrawals');

export const requestWithdrawal = (body: WithdrawalBody) => post<WithdrawalAccepted>('/v1/withdrawals', body);

// Recovery tickets (the claimant, with the ticket token)

export const openTicket = (challenge: string, kind: TicketKind) =>
  post<OpenedTicket>('/v1/recovery/tickets', { challenge, kind });

/** A continue link's token and a login challenge of the account → a fresh ticket token. */
export const continueRecovery = (token: string, challenge: string) =>
  post<ContinuedTicket>('/v1/recovery/continue', { token, challenge });

export const getTicket = ({ ticketId, ticketToken }: TicketAccess) =>
  api<TicketView>(ticketPath(ticketId), { ticketToken });

export const submitTicket = ({ ticketId, ticketToken }: TicketAccess) =>
  api<Submitted>(`${ticketPath(ticketId)}/submit`, { method: 'POST', ticketToken });

export function uploadEvidence(
  { ticketId, ticketToken }: TicketAccess,
  kind: EvidenceKind,
  file: File,
  onProgress: (fraction: number) => void,
) {
  const form = new FormData();
  form.append('kind', kind); // before the file: the server reads the parts in order
  form.append('file', file, file.name);
  return upload<EvidenceCreated>(`${ticketPath(ticketId)}/evidence`, form, { ticketToken, onProgress });
}

export const startRecoveryBinding = ({ ticketId, ticketToken }: TicketAccess) =>
  api<PendingBinding>(`${ticketPath(ticketId)}/totp/setup`, { method: 'POST', body: {}, ticketToken });

export const confirmRecoveryBinding = ({ ticketId, ticketToken }: TicketAccess, setupId: string, code: string) =>
  api<RecoveryBindingConfirmed>(`${ticketPath(ticketId)}/totp/confirm`, {
    method: 'POST',
    body: { setupId, code },
    ticketToken,
  });

// The support console

export const listTicketsInReview = () => api<Queue>('/v1/support/tickets?status=in_review');

export const getSupportTicket = (ticketId: string) => api<SupportTicketView>(supportPath(ticketId));

export const getEvidenceFile = (ticketId: string, evidenceId: string) =>
  apiBlob(`${supportPath(ticketId)}/evidence/${id(evidenceId)}`);

/** `note` goes to the user (and the audit log); `internalNote` stays with the agents. */
export const decideTicket = (ticketId: string, body: DecisionBody) =>
  post<DecisionResult>(`${supportPath(ticketId)}/decision`, body);
