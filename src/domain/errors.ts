// The one error registry: every stable snake_case code a client can see (the
// `code` of the problem body). Domain errors carry one of them plus optional
// extra fields; only http/errors.ts maps them to HTTP statuses, and the
// OpenAPI `Problem` schema lists them from here.
export const ERROR_CODES = [
  'invalid_request',
  'malformed_json',
  'email_taken',
  'weak_password',
  'invalid_token',
  'invalid_credentials',
  'unauthenticated',
  'forbidden',
  'csrf_failed',
  'not_found',
  'invalid_code',
  'challenge_expired',
  'clock_out_of_sync',
  'code_step_reserved',
  'rate_limited',
  'account_frozen',
  'two_factor_already_enabled',
  'two_factor_required',
  'setup_expired',
  'reveal_closed',
  'withdrawal_locked',
  'method_not_available',
  'method_not_allowed',
  'approval_pending',
  'invalid_state',
  'evidence_required',
  'unsupported_media_type',
  'payload_too_large',
  'own_ticket',
  'already_decided',
  'recovery_binding_required',
  'evidence_damaged',
  'storage_full',
  'http_method_not_allowed',
  'uri_too_long',
  'internal_error',
  'service_unavailable',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Refusals of a typed code that leave the step open: the user may type another (or wait for `retryAt`). */
export const CODE_REFUSALS = [
  'invalid_code',
  'clock_out_of_sync',
  'code_step_reserved',
] as const satisfies readonly ErrorCode[];

export function isCodeRefusal(code: string): code is (typeof CODE_REFUSALS)[number] {
  return (CODE_REFUSALS as readonly string[]).includes(code);
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extras: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** A login challenge that takes no more codes: expired, completed, or out of attempts. */
export function challengeExpired(): DomainError {
  return new DomainError('challenge_expired', 'The sign-in has expired. Start again with your email and password.');
}
