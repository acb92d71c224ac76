// Human-readable times, durations and labels, in the user's locale.
import type { LoginResult, SignInFactor } from '../../domain/sign-in-activity.ts';
import type { WithdrawalLockReason } from '../../domain/withdrawal-lock.ts';
import type { EvidenceKind, SecondFactorMethod, TicketKind, TicketStatus } from './client.ts';

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(undefined, { dateStyle: 'long' });
}

/** "23:59:58"; hours keep counting past a day ("47:12:00") up to 99, then
 * days come in front ("5 d 03:04:05"). */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const hours = Math.floor(total / 3600);
  if (hours < 100) return `${pad(hours)}:${pad(m)}:${pad(s)}`;
  return `${Math.floor(hours / 24)} d ${pad(hours % 24)}:${pad(m)}:${pad(s)}`;
}

/** "about 5 minutes", "about 1 hour", "30 seconds". */
export function describeDuration(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  if (s < 60) return `${s} second${s === 1 ? '' : 's'}`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `about ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `about ${hours} hour${hours === 1 ? '' : 's'}`;
  const days = Math.round(hours / 24);
  return `about ${days} days`;
}

/** A review past its due time (a live check: the page stays open). */
export function isOverdue(dueBy: string | null, now: number): boolean {
  return dueBy !== null && new Date(dueBy).getTime() < now;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

export const TICKET_KIND_LABEL: Record<TicketKind, string> = {
  lost_two_factor: 'Lost two-factor authentication',
  full_verification: 'Full identity verification',
};

export const TICKET_STATUS_LABEL: Record<TicketStatus, string> = {
  awaiting_evidence: 'Awaiting evidence',
  in_review: 'In review',
  approved: 'Approved',
  rejected: 'Rejected',
  expired: 'Expired',
  cancelled: 'Cancelled',
};

export const EVIDENCE_KIND_LABEL: Record<EvidenceKind, string> = {
  id_document: 'Identity document',
  selfie_video: 'Selfie video',
  login_history: 'Login history',
};

/** What each kind of evidence is, in words (the accepted file types: ALLOWED_TYPES in the domain). */
export const EVIDENCE_KIND_HINT: Record<EvidenceKind, string> = {
  id_document: 'a photo or scan of your passport, ID card or driving licence',
  selfie_video: 'a short video of your face, holding the same document',
  login_history: 'something that shows where you usually sign in from, such as past sign-in emails',
};

/** The second factors, as an approval's confirmation names what it removes. */
export const FACTOR_LABEL: Record<SecondFactorMethod, string> = {
  totp: 'the authenticator app',
  backup_code: 'the backup codes',
  webauthn: 'every security key',
  sms: 'the phone for SMS codes',
};

/** Why withdrawals are locked, for "Withdrawals are locked because …". */
export const LOCK_REASON: Record<WithdrawalLockReason, string> = {
  two_factor_reset: 'two-factor authentication was reset',
  recovery: 'the account was recovered through support',
  factor_added: 'a second factor was added',
  password_changed: 'the password was changed',
  password_reset: 'the password was reset',
};

/** A label for a key that arrived untyped (a problem body's extra field). */
export function label<K extends string>(map: Record<K, string>, key: string): string {
  return Object.hasOwn(map, key) ? map[key as K] : key.replace(/_/g, ' ');
}

/** How a sign-in step ended, as the owner's activity list says it. */
export const SIGN_IN_RESULT: Record<LoginResult, string> = {
  success: 'Signed in',
  password_ok: 'Right password; the second step was not finished',
  invalid_credentials: 'Wrong password',
  second_factor_failed: 'Wrong second factor',
  second_factor_locked: 'Right password, refused: too many wrong codes',
  recovery_binding_required: 'Right password, refused: recovery to finish',
  account_frozen: 'Right password, refused: account frozen',
};

/** The factor a sign-in step used. */
export const SIGN_IN_FACTOR: Record<SignInFactor, string> = {
  password: 'password',
  totp: 'authenticator app',
  backup_code: 'backup code',
  webauthn: 'security key',
  sms: 'SMS code',
};

/** A whole number of hours in words: "1 hour", "24 hours" (a lock's configured length). */
export function formatHours(n: number): string {
  return n === 1 ? '1 hour' : `${n} hours`;
}
