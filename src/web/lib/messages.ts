// Turns API problem codes into sentences a person can act on.
import { ApiError } from './api.ts';
import { describeDuration, formatDateTime } from './format.ts';

/** Signed drift: positive means the phone's clock is ahead of the server. */
export function clockDriftSentence(driftSeconds: number): string {
  const direction = driftSeconds > 0 ? 'ahead' : 'behind';
  return `your phone's clock is ${describeDuration(driftSeconds)} ${direction} — set date and time to automatic`;
}

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

const FIXED: Record<string, string> = {
  invalid_code: 'That code is not right. Check it and try again — each code works only once.',
  challenge_expired:
    'This sign-in took too long or had too many wrong codes. Please start again with your email and password.',
  account_frozen:
    'Sign-in is paused while a full identity verification is in review. You will be told by email when it is decided.',
  two_factor_required: 'Turn on two-factor authentication on the Account security page first.',
  reveal_closed:
    'The backup codes can no longer be shown or downloaded. If you did not save them, reset 2FA to get a new set.',
  invalid_credentials: 'The email or password is not right.',
  email_taken: 'An account with this email already exists. Sign in instead.',
  weak_password: 'That password is too weak. Use a longer one that is not common — a few unrelated words work well.',
  two_factor_already_enabled: 'Two-factor authentication is already on for this account.',
  csrf_failed: 'Your session could not be confirmed. Reload the page and try again.',
  unauthenticated: 'Please sign in.',
  forbidden: 'You do not have access to this page.',
  not_found: 'Not found.',
  network_error: 'Could not reach the server. Check your connection and try again.',
  payload_too_large: 'That file is too large.',
  unsupported_media_type: 'That file type is not accepted. Use an image, a video or a PDF.',
  setup_expired: 'The setup expired. Start binding the authenticator again.',
  recovery_binding_required:
    'Your account recovery was approved but is not finished: bind your new authenticator from the recovery ticket page, in the browser tab where you opened the ticket.',
};

export function errorMessage(err: unknown): string {
  if (!(err instanceof ApiError)) {
    // Security-key ceremonies fail in the browser (cancelled, timed out, wrong key).
    if (err instanceof Error && /NotAllowed|Abort|WebAuthn/.test(`${err.name} ${err.constructor.name}`)) {
      return 'The security key did not answer, or the request was cancelled. Touch your key when it blinks, or choose another method.';
    }
    return err instanceof Error ? err.message : 'Something went wrong.';
  }
  const p = err.problem;
  switch (err.code) {
    case 'clock_out_of_sync': {
      const drift = typeof p.driftSeconds === 'number' ? p.driftSeconds : null;
      if (drift === null)
        return "Your phone's clock seems to be off — set date and time to automatic, then try a new code.";
      const s = clockDriftSentence(drift);
      return `That code was for a different time: ${s}, then try a new code.`;
    }
    case 'rate_limited':
      return `Too many attempts, so this step is locked for now. ${whenItEnds(err)}`;
    case 'withdrawal_locked': {
      const until = typeof p.lockedUntil === 'string' ? p.lockedUntil : null;
      return until
        ? `Withdrawals are locked until ${formatDateTime(until)} because two-factor authentication was changed recently.`
        : 'Withdrawals are locked for now because two-factor authentication was changed recently.';
    }
  }
  if (err.status === 413) return FIXED.payload_too_large as string;
  if (err.status === 415) return FIXED.unsupported_media_type as string;
  return FIXED[err.code] ?? p.detail ?? p.title ?? `Something went wrong (${err.code}).`;
}

/** Sending SMS codes is throttled (one per 30 s, a few per hour): say so plainly. */
export function smsSendError(err: unknown): unknown {
  if (!(err instanceof ApiError) || err.code !== 'rate_limited') return err;
  const wait = err.retryAfter ?? 30;
  return new Error(`A code was sent a moment ago. You can ask for another in ${describeDuration(wait)}.`);
}
