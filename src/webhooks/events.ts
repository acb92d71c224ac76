// The security events sent to webhooks: their names, and how each is derived
// from an audit entry. Pure. Payloads carry identifiers, kinds and times only,
// never a code, secret, token, note or address: each field is picked here.
import { backupCodeWarnings } from '../domain/backup-codes.ts';

export const WEBHOOK_EVENT_TYPES = [
  'account.created',
  'two_factor.enabled',
  'two_factor.reset_started',
  'two_factor.reset_confirmed',
  'backup_code.used',
  'backup_codes.low',
  'backup_codes.exhausted',
  'second_factor.locked',
  'withdrawal_lock.started',
  'withdrawal_lock.ended',
  'recovery_ticket.opened',
  'recovery_ticket.submitted',
  'recovery_ticket.approved',
  'recovery_ticket.rejected',
  'recovery_ticket.overdue',
  'account.frozen',
  'account.unfrozen',
  'password.changed',
  'password.reset_requested',
  'password.reset',
  'sessions.revoked',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export interface WebhookEvent {
  readonly type: WebhookEventType;
  readonly data: Readonly<Record<string, string | number | boolean | null>>;
}

interface AuditFacts {
  readonly event: string;
  readonly details?: Record<string, unknown>;
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function count(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}

/** A full identity verification went into review: frozen until its decision. */
const frozen = (d: Record<string, unknown>): WebhookEvent => ({
  type: 'account.frozen',
  data: { reason: 'identity_verification', via: null, ticketId: text(d.ticketId) },
});

const fromAudit: Readonly<Record<string, (details: Record<string, unknown>) => WebhookEvent[]>> = {
  account_created: () => [{ type: 'account.created', data: {} }],
  authenticator_bound: () => [{ type: 'two_factor.enabled', data: {} }],
  two_factor_reset_started: (d) => [{ type: 'two_factor.reset_started', data: { method: text(d.method) } }],
  two_factor_reset: (d) => [{ type: 'two_factor.reset_confirmed', data: { reason: text(d.reason) } }],
  backup_code_used: (d) => {
    const remaining = count(d.remaining) ?? 0;
    return [
      { type: 'backup_code.used', data: { remaining } },
      ...backupCodeWarnings(remaining).map(
        (w): WebhookEvent =>
          w.code === 'backup_codes_low'
            ? { type: 'backup_codes.low', data: { remaining: w.remaining } }
            : { type: 'backup_codes.exhausted', data: { remaining: 0 } },
      ),
    ];
  },
  second_factor_locked: (d) => [{ type: 'second_factor.locked', data: { until: text(d.until) } }],
  withdrawal_lock_started: (d) => [
    { type: 'withdrawal_lock.started', data: { until: text(d.until), reason: text(d.reason) } },
  ],
  withdrawal_lock_ended: (d) => [{ type: 'withdrawal_lock.ended', data: { until: text(d.until) } }],
  recovery_ticket_opened: (d) => [
    { type: 'recovery_ticket.opened', data: { ticketId: text(d.ticketId), kind: text(d.kind) } },
  ],
  recovery_ticket_submitted: (d) => [
    {
      type: 'recovery_ticket.submitted',
      data: { ticketId: text(d.ticketId), kind: text(d.kind), reviewDueBy: text(d.reviewDueBy) },
    },
    ...(d.frozen === true ? [frozen(d)] : []),
  ],
  recovery_ticket_decision: (d) => [
    {
      type: d.decision === 'approve' ? 'recovery_ticket.approved' : 'recovery_ticket.rejected',
      data: { ticketId: text(d.ticketId), kind: text(d.kind) },
    },
  ],
  // The owner's "this wasn't me" freeze, and its end with an approved recovery ticket.
  account_frozen_by_owner: (d) => [
    { type: 'account.frozen', data: { reason: 'owner', via: text(d.via), ticketId: null } },
  ],
  account_unfrozen: (d) => [{ type: 'account.unfrozen', data: { reason: 'owner', ticketId: text(d.ticketId) } }],
  password_changed: () => [{ type: 'password.changed', data: {} }],
  password_reset_requested: () => [{ type: 'password.reset_requested', data: {} }],
  password_reset: () => [{ type: 'password.reset', data: {} }],
  sessions_revoked: (d) => [{ type: 'sessions.revoked', data: { scope: text(d.scope), count: count(d.count) } }],
  recovery_ticket_overdue: (d) => [
    { type: 'recovery_ticket.overdue', data: { ticketId: text(d.ticketId), reviewDueBy: text(d.reviewDueBy) } },
  ],
};

/** The webhook events an audit entry announces (none for most entries). */
export function webhookEventsFor(entry: AuditFacts): WebhookEvent[] {
  return fromAudit[entry.event]?.(entry.details ?? {}) ?? [];
}

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}
