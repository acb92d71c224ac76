// The Latchkey API as the UI uses it: one function per route. This is the only
// file in src/web that names a `/v1/` path; the transport (cookies, CSRF header,
// problem bodies, Retry-After) is api.ts.
import type { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { api, apiBlob, upload } from './api.ts';
import type {
  ConfirmAnswer,
  EvidenceKind,
  LoginAnswer,
  QueueItem,
  RecoveryTicket,
  SecondFactorMethod,
  SecurityState,
  SupportTicketView,
  TicketKind,
  TotpSetup,
  VerifyAnswer,
  Withdrawal,
} from './types.ts';

type AssertionOptions = Parameters<typeof startAuthentication>[0]['optionsJSON'];
type CreationOptions = Parameters<typeof startRegistration>[0]['optionsJSON'];

/** The proof of a second factor for a step-up: a code, or a security-key assertion. */
export type Proof = { method: SecondFactorMethod; code: string } | { method: 'webauthn'; response: unknown };

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

export const createAccount = (body: { email: string; password: string }) => post<unknown>('/v1/accounts', body);

export const startLogin = (body: { email: string; password: string }) => post<LoginAnswer>('/v1/sessions', body);

export type VerifyBody =
  | { challenge: string; method: SecondFactorMethod; code: string }
  | { challenge: string; method: 'webauthn'; response: unknown };

export const verifyLogin = (body: VerifyBody) => post<VerifyAnswer>('/v1/sessions/verify', body);

export const loginKeyOptions = (challenge: string) =>
  post<AssertionOptions>('/v1/sessions/webauthn/options', { challenge });

export const sendLoginSms = (challenge: string) => post<unknown>('/v1/sessions/sms', { challenge });

export const signOut = () => api<void>('/v1/sessions/current', { method: 'DELETE' });

// The signed-in account

export const getSecurity = () => api<SecurityState>('/v1/me/security');

export const startTotpSetup = () => post<TotpSetup>('/v1/me/totp/setup');

export const confirmTotp = (setupId: string, code: string) =>
  post<ConfirmAnswer>('/v1/me/totp/confirm', { setupId, code });

export type ExportBody =
  | { revealToken: string; format: 'pdf' }
  | { revealToken: string; format: 'zip'; password: string };

export const exportBackupCodes = (body: ExportBody) => apiBlob('/v1/me/backup-codes/export', { method: 'POST', body });

export const acknowledgeBackupCodes = (revealToken: string) =>
  post<void>('/v1/me/backup-codes/acknowledge', { revealToken });

export const resetTwoFactor = (password: string, proof: Proof) =>
  post<TotpSetup>('/v1/me/two-factor/reset', { password, ...proof });

export const stepUpKeyOptions = () => post<AssertionOptions>('/v1/me/security-keys/assertion-options');

export const sendStepUpSms = () => post<unknown>('/v1/me/sms/send');

export const securityKeyOptions = (proof: Proof) => post<CreationOptions>('/v1/me/security-keys/options', proof);

export const addSecurityKey = (name: string, response: unknown) =>
  post<{ name: string }>('/v1/me/security-keys', { name, response });

export const removeSecurityKey = (keyId: string, proof: Proof) =>
  api<void>(`/v1/me/security-keys/${id(keyId)}`, { method: 'DELETE', body: proof });

export const addPhone = (phone: string, proof: Proof) => post<unknown>('/v1/me/phone', { phone, ...proof });

export const verifyPhone = (code: string) => post<void>('/v1/me/phone/verify', { code });

export const removePhone = (proof: Proof) => api<void>('/v1/me/phone', { method: 'DELETE', body: proof });

// Withdrawals

export const listWithdrawals = () => api<{ withdrawals: Withdrawal[] }>('/v1/withdrawals');

export const requestWithdrawal = (order: { asset: string; amount: string; address: string }, proof: Proof) =>
  post<{ withdrawalId: string; status: string }>('/v1/withdrawals', { ...order, ...proof });

// Recovery tickets (the claimant, with the ticket token)

export const openTicket = (challenge: string, kind: TicketKind) =>
  post<{ ticketId: string; ticketToken: string; status: string }>('/v1/recovery/tickets', { challenge, kind });

export const getTicket = ({ ticketId, ticketToken }: TicketAccess) =>
  api<RecoveryTicket>(ticketPath(ticketId), { ticketToken });

export const submitTicket = ({ ticketId, ticketToken }: TicketAccess) =>
  api<unknown>(`${ticketPath(ticketId)}/submit`, { method: 'POST', ticketToken });

export function uploadEvidence(
  { ticketId, ticketToken }: TicketAccess,
  kind: EvidenceKind,
  file: File,
  onProgress: (fraction: number) => void,
) {
  const form = new FormData();
  form.append('kind', kind);
  form.append('file', file, file.name);
  return upload<{ evidenceId: string }>(`${ticketPath(ticketId)}/evidence`, form, { ticketToken, onProgress });
}

export const startRecoveryBinding = ({ ticketId, ticketToken }: TicketAccess) =>
  api<TotpSetup>(`${ticketPath(ticketId)}/totp/setup`, { method: 'POST', body: {}, ticketToken });

export const confirmRecoveryBinding = ({ ticketId, ticketToken }: TicketAccess, setupId: string, code: string) =>
  api<ConfirmAnswer>(`${ticketPath(ticketId)}/totp/confirm`, { method: 'POST', body: { setupId, code }, ticketToken });

// The support console

export const listTicketsInReview = () => api<{ tickets: QueueItem[] }>('/v1/support/tickets?status=in_review');

export const getSupportTicket = (ticketId: string) => api<SupportTicketView>(supportPath(ticketId));

export const getEvidenceFile = (ticketId: string, evidenceId: string) =>
  apiBlob(`${supportPath(ticketId)}/evidence/${id(evidenceId)}`);

export const decideTicket = (ticketId: string, decision: 'approve' | 'reject', note: string) =>
  post<{ status: string }>(`${supportPath(ticketId)}/decision`, { decision, note });
