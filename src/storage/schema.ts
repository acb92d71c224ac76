// The database as Kysely sees it: one interface for SQLite and PostgreSQL.
// Times are ISO 8601 UTC strings (toISOString), so they compare as text on both.
import type { Generated } from 'kysely';
import type { AccountRole } from '../domain/account.ts';
import type { EvidenceKind } from '../domain/evidence-types.ts';
import type { Decision, TicketKind, TicketStatus } from '../domain/recovery-ticket.ts';
import type { WebauthnChallengePurpose } from '../domain/second-factor.ts';
import type { LoginResult } from '../domain/sign-in-activity.ts';
import type { RecoveryLockCause, WithdrawalLockReason } from '../domain/withdrawal-lock.ts';

export interface AccountsTable {
  id: string;
  email: string;
  password_hash: string;
  role: AccountRole;
  created_at: string;
  withdrawal_locked_until: string | null;
  withdrawal_lock_reason: WithdrawalLockReason | null;
  /** Set by an approved recovery: the lock cause the next binding starts (the ticket's kind survives in it). */
  rebind_lock_reason: RecoveryLockCause | null;
}

export interface SessionsTable {
  id: string;
  account_id: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  ip: string | null;
  user_agent: string | null;
  last_seen_at: string | null;
  /** When a second factor was last proven in this session (login or step-up), and which method. */
  second_factor_at: string | null;
  second_factor_method: string | null;
}

export interface LoginChallengesTable {
  id: string;
  account_id: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  failed_attempts: number;
  completed_at: string | null;
  ip: string | null;
  user_agent: string | null;
  /** `recovery`: good only for opening a recovery ticket, never for a second factor. */
  purpose: 'login' | 'recovery';
}

export interface TotpBindingsTable {
  id: string;
  account_id: string;
  secret_enc: string;
  status: 'pending' | 'active' | 'retired';
  purpose: 'enroll' | 'reset';
  created_at: string;
  expires_at: string;
  confirmed_at: string | null;
  retired_at: string | null;
  last_step: number | null;
  drift_steps: number;
  /** The step a clock diagnosis burnt (migration 016); reserved while it is the last step. */
  burnt_step: number | null;
}

export interface BackupCodeSetsTable {
  id: string;
  account_id: string;
  salt: string;
  pepper_version: string;
  issued_at: string;
  revoked_at: string | null;
  reveal_token_hash: string | null;
  reveal_codes_enc: string | null;
  reveal_expires_at: string | null;
}

export interface BackupCodesTable {
  id: string;
  set_id: string;
  position: number;
  code_hash: string;
  used_at: string | null;
}

export interface SecondFactorAttemptsTable {
  id: string;
  account_id: string;
  fingerprint: string;
  method: string;
  created_at: string;
  outcome: 'pending' | 'failed';
}

export interface SecondFactorLocksTable {
  account_id: string;
  locked_until: string;
  created_at: string;
}

export interface LoginEventsTable {
  id: Generated<number>;
  account_id: string | null;
  result: LoginResult;
  factor: string | null;
  ip: string | null;
  user_agent: string | null;
  at: string;
}

/** The browsers an account has signed in from: the hash of each one's device cookie (new-browser alerts). */
export interface KnownBrowsersTable {
  account_id: string;
  browser_hash: string;
  first_seen_at: string;
  /** Written at most once a day (browserSightingDay): a sign-in from a known browser rarely writes. */
  last_seen_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  account_id: string | null;
  actor_account_id: string | null;
  event: string;
  details: string;
  at: string;
  /** The tamper-evident chain (domain/audit-chain.ts): position, previous row's hash, this row's hash. */
  seq: number | null;
  prev_hash: string | null;
  hash: string | null;
}

/** One row (id 1): the last seq and hash of the audit chain, and the last break the agents were told about. */
export interface AuditChainHeadTable {
  id: number;
  seq: number;
  hash: string;
  alerted: string | null;
}

export interface OutboxTable {
  id: Generated<number>;
  channel: 'email' | 'sms';
  recipient: string;
  subject: string;
  body: string;
  created_at: string;
  sent_at: string | null;
  attempts: number;
  last_error: string | null;
}

export interface JobsTable {
  name: string;
  locked_until: string | null;
  last_run_at: string | null;
}

export interface WithdrawalsTable {
  id: string;
  account_id: string;
  asset: string;
  amount: string;
  address: string;
  status: string;
  created_at: string;
}

export interface RecoveryTicketsTable {
  id: string;
  account_id: string;
  kind: TicketKind;
  status: TicketStatus;
  token_hash: string;
  created_at: string;
  evidence_due_by: string;
  submitted_at: string | null;
  review_due_by: string | null;
  decided_at: string | null;
  decision_note: string | null;
  overdue_notified_at: string | null;
  claimant_ip: string | null;
  claimant_user_agent: string | null;
}

export interface RecoveryEvidenceTable {
  id: string;
  ticket_id: string;
  kind: EvidenceKind;
  mime_type: string;
  size: number;
  file_name: string;
  key_version: string;
  created_at: string;
}

export interface TicketDecisionsTable {
  id: string;
  ticket_id: string;
  agent_account_id: string;
  decision: Decision;
  /** The note to the user (emailed, shown on their ticket, audited). */
  note: string;
  /** For the agents only. */
  internal_note: string | null;
  at: string;
}

export interface RecoveryLinksTable {
  id: string;
  ticket_id: string;
  token_hash: string;
  created_at: string;
  used_at: string | null;
}

export interface WebauthnCredentialsTable {
  id: string;
  account_id: string;
  credential_id: string;
  public_key: string;
  counter: number;
  transports: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

export interface WebauthnChallengesTable {
  id: string;
  account_id: string;
  purpose: WebauthnChallengePurpose;
  challenge: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface PhonesTable {
  account_id: string;
  phone_enc: string;
  phone_masked: string;
  created_at: string;
  verified_at: string | null;
}

export interface SmsCodesTable {
  id: string;
  account_id: string;
  purpose: 'verify_phone' | 'second_factor';
  code_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface WebhookEndpointsTable {
  id: string;
  url: string;
  events: string | null;
  secret_enc: string;
  created_at: string;
  removed_at: string | null;
}

export interface WebhookEventsTable {
  id: Generated<number>;
  message_id: string;
  account_id: string | null;
  type: string;
  payload: string;
  created_at: string;
}

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  endpoint_id: string;
  event_id: number;
  account_key: string;
  queued_at: string;
  attempts: number;
  next_attempt_at: string;
  delivered_at: string | null;
  dead_at: string | null;
  last_error: string | null;
}

export interface OidcModelsTable {
  model: string;
  id: string;
  payload: string;
  grant_id: string | null;
  /** The payload's accountId (grants, codes, tokens, provider sessions): what ends with the account's sessions. */
  account_id: string | null;
  uid: string | null;
  user_code: string | null;
  expires_at: string | null;
  consumed_at: string | null;
}

export interface OidcClientsTable {
  id: string;
  name: string;
  redirect_uris: string;
  public: number;
  first_party: number;
  /** The acr asked for when a request names none (`default_acr_values`); null: none. */
  default_acr: string | null;
  secret_enc: string | null;
  created_at: string;
  removed_at: string | null;
}

export interface OidcSigningKeysTable {
  kid: string;
  private_jwk_enc: string;
  created_at: string;
  retired_at: string | null;
}

export interface SmsSendGateTable {
  account_id: string;
  last_sent_at: string;
}

export interface AgentInvitationsTable {
  id: string;
  account_id: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** A forgotten-password link: `ended_at` once used or replaced by a newer request. */
export interface PasswordResetsTable {
  id: string;
  account_id: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  ended_at: string | null;
  ip: string | null;
}

export interface FreezeLinksTable {
  id: string;
  account_id: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface AccountFreezesTable {
  id: string;
  account_id: string;
  /** How the owner froze it: `email_link` or `security_page`. */
  via: string;
  frozen_at: string;
  ended_at: string | null;
  ended_by_ticket_id: string | null;
}

export interface Database {
  accounts: AccountsTable;
  sessions: SessionsTable;
  login_challenges: LoginChallengesTable;
  totp_bindings: TotpBindingsTable;
  backup_code_sets: BackupCodeSetsTable;
  backup_codes: BackupCodesTable;
  second_factor_attempts: SecondFactorAttemptsTable;
  second_factor_locks: SecondFactorLocksTable;
  login_events: LoginEventsTable;
  known_browsers: KnownBrowsersTable;
  audit_log: AuditLogTable;
  outbox: OutboxTable;
  audit_chain_head: AuditChainHeadTable;
  jobs: JobsTable;
  withdrawals: WithdrawalsTable;
  recovery_tickets: RecoveryTicketsTable;
  recovery_evidence: RecoveryEvidenceTable;
  ticket_decisions: TicketDecisionsTable;
  recovery_links: RecoveryLinksTable;
  webauthn_credentials: WebauthnCredentialsTable;
  webauthn_challenges: WebauthnChallengesTable;
  phones: PhonesTable;
  sms_codes: SmsCodesTable;
  sms_send_gate: SmsSendGateTable;
  agent_invitations: AgentInvitationsTable;
  password_resets: PasswordResetsTable;
  freeze_links: FreezeLinksTable;
  account_freezes: AccountFreezesTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  oidc_models: OidcModelsTable;
  oidc_clients: OidcClientsTable;
  oidc_signing_keys: OidcSigningKeysTable;
}
