// Domain errors carry a stable snake_case code (the `code` of the problem body)
// and optional extra fields for the client. Only http/errors.ts maps them to
// HTTP statuses.
export type ErrorCode =
  | 'invalid_request'
  | 'email_taken'
  | 'weak_password'
  | 'invalid_credentials'
  | 'unauthenticated'
  | 'forbidden'
  | 'csrf_failed'
  | 'not_found'
  | 'invalid_code'
  | 'challenge_expired'
  | 'clock_out_of_sync'
  | 'rate_limited'
  | 'account_frozen'
  | 'two_factor_already_enabled'
  | 'two_factor_required'
  | 'setup_expired'
  | 'reveal_closed'
  | 'withdrawal_locked'
  | 'method_not_available'
  | 'method_not_allowed'
  | 'approval_pending'
  | 'invalid_state'
  | 'evidence_required'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'own_ticket'
  | 'already_decided'
  | 'recovery_binding_required'
  | 'evidence_damaged'
  | 'storage_full';

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
