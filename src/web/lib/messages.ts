// Turns API problem codes into sentences a person can act on.
import { attemptsWarningDue } from '../../domain/attempt-budget.ts';
import type { ErrorCode } from '../../domain/errors.ts';
import {
  FAILURE_WINDOW_MS,
  FAILURES_BEFORE_LOCK,
  FAILURES_PER_CHALLENGE,
  LOCK_DURATION_MS,
} from '../../domain/policy.ts';
import { ApiError } from './api.ts';
import { describeDuration, formatDateTime, LOCK_REASON, label } from './format.ts';

/** Signed drift: positive means the phone's clock is ahead of the server. */
export function clockDriftSentence(driftSeconds: number): string {
  const direction = driftSeconds > 0 ? 'ahead' : 'behind';
  return `your phone's clock is ${describeDuration(driftSeconds)} ${direction} — set date and time to automatic`;
}

const LOCK_HOURS = LOCK_DURATION_MS / 3_600_000;

/** From the third wrong code of the day (contract v1.1 `attemptsRemaining`): how close the lock is and what to do. */
function attemptsLeftSentence(left: number): string {
  return `${left} ${left === 1 ? 'try' : 'tries'} left before two-factor sign-in locks for ${LOCK_HOURS} hours — check your phone's clock, or use a backup code.`;
}

/** The tries-left warning a refused code calls for (from the third wrong code of the day), or null. */
export function attemptsLeftWarning(err: unknown): string | null {
  if (!(err instanceof ApiError)) return null;
  const left = err.problem.attemptsRemaining;
  return typeof left === 'number' && attemptsWarningDue(left) ? attemptsLeftSentence(left) : null;
}

/** The refusal that used a sign-in's wrong codes up (`challengeAttemptsRemaining` 0). */
export const SIGN_IN_OVER = `This sign-in is over: after ${FAILURES_PER_CHALLENGE} wrong codes a sign-in ends, to stop guessing. Start again with your email and password.`;

/** Why the second-factor step is locked (the lock page names its cause). */
export const LOCK_CAUSE = `${FAILURES_BEFORE_LOCK} wrong codes were entered for this account within ${FAILURE_WINDOW_MS / 3_600_000} hours, so two-factor sign-in is locked for ${LOCK_HOURS} hours to stop anyone guessing. We have emailed you about it.`;

function whenItEnds(err: ApiError): string {
  const lockedUntil = typeof err.problem.lockedUntil === 'string' ? Date.parse(err.problem.lockedUntil) : Number.NaN;
  const ends = !Number.isNaN(lockedUntil)
    ? lockedUntil
    : err.retryAfter !== null
      ? err.receivedAt + err.retryAfter * 1000
      : null;
  if (ends === null) return 'Please wait a while before trying again.';
  const seconds = err.retryAfter ?? Math.max(1, Math.round((ends - err.receivedAt) / 1000));
  const at = new Date(ends).toISOString();
  return `You can try again in ${describeDuration(seconds)}, at ${formatDateTime(at)}.`;
}

/** What the UI says for each code: a sentence, or a function of the problem
 * when the answer carries the details (the server's own `detail` where it is
 * already written for people). Keyed by the server's error-code type, so a new
 * code without a message fails `npm run check`. */
type Message = string | ((err: ApiError) => string);

const detailOr =
  (fallback: string): Message =>
  (err) =>
    err.problem.detail ?? fallback;

const SERVER: Record<ErrorCode, Message> = {
  invalid_request: detailOr('Some of the details are not valid. Check them and try again.'),
  malformed_json: 'The request could not be read. Reload the page and try again.',
  internal_error: 'Something went wrong on our side. Please try again in a moment.',
  service_unavailable: 'Latchkey is briefly unavailable. Please try again in a moment.',
  http_method_not_allowed: 'Something went wrong on our side. Please reload the page.',
  uri_too_long: 'That link is not valid.',
  email_taken: 'An account with this email already exists. Sign in instead.',
  weak_password: detailOr(
    'That password is too weak. Use a longer one that is not common — a few unrelated words work well.',
  ),
  invalid_token:
    'This password reset link no longer works: it has expired, was already used, or a newer link was sent. Ask for a new link.',
  invalid_credentials: 'The email or password is not right.',
  unauthenticated: 'Please sign in.',
  forbidden: 'You do not have access to this page.',
  csrf_failed: 'Your session could not be confirmed. Reload the page and try again.',
  not_found: 'Not found.',
  invalid_code: 'That code is not right. Check it and try again — each code works only once.',
  challenge_expired:
    'This sign-in took too long or had too many wrong codes. Please start again with your email and password.',
  clock_out_of_sync: (err) => {
    const drift = err.problem.driftSeconds;
    if (typeof drift !== 'number')
      return "Your phone's clock seems to be off — set date and time to automatic, then try a new code.";
    // A code from a fast clock burns its time: the fixed phone's codes work once that time has come.
    const wait =
      drift > 0 ? ` Once it is fixed, codes work again in ${describeDuration(drift)}; a backup code works now.` : '';
    return `That code was for a different time: ${clockDriftSentence(drift)}, then try a new code.${wait}`;
  },
  code_step_reserved: (err) => {
    const at = err.problem.retryAt;
    const when = typeof at === 'string' ? `at ${formatDateTime(at)}` : 'with the next code';
    return `That code is right, but its time was already used by the earlier code from your phone's fast clock, so it cannot be used. This did not count as a wrong code. Codes work again ${when} — or use a backup code now.`;
  },
  rate_limited: (err) => `Too many attempts, so this step is locked for now. ${whenItEnds(err)}`,
  account_frozen: (err) =>
    err.problem.reason === 'owner'
      ? 'This account is frozen: it was frozen with “this wasn’t me”. Nobody can sign in or withdraw until support has checked who you are.'
      : 'Sign-in is paused while a full identity verification is in review. You will be told by email when it is decided.',
  two_factor_already_enabled: 'Two-factor authentication is already on for this account.',
  two_factor_required: 'Turn on two-factor authentication on the Account security page first.',
  setup_expired: 'The setup expired. Start binding the authenticator again.',
  reveal_closed:
    'The backup codes can no longer be shown or downloaded. If you did not save them, reset 2FA to get a new set.',
  withdrawal_locked: (err) => {
    const { lockedUntil: until, reason } = err.problem;
    const why =
      typeof reason === 'string' ? label(LOCK_REASON, reason) : 'two-factor authentication was changed recently';
    return typeof until === 'string'
      ? `Withdrawals are locked until ${formatDateTime(until)} because ${why}.`
      : `Withdrawals are locked for now because ${why}.`;
  },
  method_not_available: detailOr('That method is not set up for this account. Choose another one.'),
  method_not_allowed:
    'That method cannot be used for this. SMS codes only sign in; confirm with your authenticator app, a backup code or a security key.',
  approval_pending: 'Waiting for your approval. Try again in a moment.',
  invalid_state: detailOr('This cannot be done now. Reload the page to see where things stand.'),
  evidence_required: 'Upload an identity document before sending the ticket for review.',
  unsupported_media_type: 'That file type is not accepted. Use an image, a video or a PDF.',
  payload_too_large: 'That file is too large.',
  storage_full: 'The server cannot take files right now. Try again later.',
  own_ticket: 'You cannot decide a recovery ticket for your own account.',
  already_decided: detailOr('This ticket was already decided.'),
  recovery_binding_required:
    'Your account recovery was approved but is not finished: bind your new authenticator from the recovery ticket page. Open it with the link in the approval email.',
  evidence_damaged: 'The stored file is missing or damaged. Ask the claimant to upload it again.',
};

/** The transport's own code: the server never sends it. */
const EDGE: Record<'network_error', string> = {
  network_error: 'Could not reach the server. Check your connection and try again.',
};

function messageFor(err: ApiError): string | undefined {
  const m = Object.hasOwn(SERVER, err.code)
    ? SERVER[err.code as ErrorCode]
    : Object.hasOwn(EDGE, err.code)
      ? EDGE[err.code as keyof typeof EDGE]
      : undefined;
  return typeof m === 'function' ? m(err) : m;
}

export function errorMessage(err: unknown): string {
  if (!(err instanceof ApiError)) {
    // Security-key ceremonies fail in the browser (cancelled, timed out, wrong key).
    if (err instanceof Error && /NotAllowed|Abort|WebAuthn/.test(`${err.name} ${err.constructor.name}`)) {
      return 'The security key did not answer, or the request was cancelled. Touch your key when it blinks, or choose another method.';
    }
    return err instanceof Error ? err.message : 'Something went wrong.';
  }
  // A proxy in front may refuse a body by status alone.
  if (err.status === 413) return SERVER.payload_too_large as string;
  if (err.status === 415) return SERVER.unsupported_media_type as string;
  return messageFor(err) ?? err.problem.detail ?? err.problem.title ?? `Something went wrong (${err.code}).`;
}

/** Sending SMS codes is throttled (one per 30 s, a few per hour): say so plainly. */
export function smsSendError(err: unknown): unknown {
  if (!(err instanceof ApiError) || err.code !== 'rate_limited') return err;
  const wait = err.retryAfter ?? 30;
  return new Error(`A code was sent a moment ago. You can ask for another in ${describeDuration(wait)}.`);
}
