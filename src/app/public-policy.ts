// What the UI and outside clients must say about the rules: the numbers of the
// domain policy and the operator's lock hours, in one answer (the `policy`
// block of GET /v1/me/security, and GET /v1/policy). Nothing here is secret.
import type { Config } from '../config.ts';
import type { EvidenceKind } from '../domain/evidence-types.ts';
import {
  BACKUP_CODES_LOW_AT,
  BACKUP_CODES_PER_SET,
  FAILURES_BEFORE_LOCK,
  FAILURES_PER_CHALLENGE,
  HOUR_MS,
  LOCK_DURATION_MS,
  MINUTE_MS,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  PASSWORD_MIN_LENGTH_WITH_SECOND_FACTOR,
  REVEAL_WINDOW_MS,
} from '../domain/policy.ts';
import {
  EVIDENCE_WINDOW_DAYS,
  FULL_VERIFICATION_REVIEW_BUSINESS_DAYS,
  LOST_TWO_FACTOR_REVIEW_HOURS,
  RECOMMENDED_EVIDENCE,
  REQUIRED_EVIDENCE,
  TICKET_KINDS,
  type TicketKind,
} from '../domain/recovery-ticket.ts';
import { SECOND_FACTOR_PURPOSES, type SecondFactorMethod, type SecondFactorPurpose } from '../domain/second-factor.ts';
import { lockFor, WITHDRAWAL_LOCK_CAUSES, type WithdrawalLockCause } from '../domain/withdrawal-lock.ts';
import { FACTOR_MODULES } from './factors/registry.ts';

export interface PublicPolicy {
  /** How long withdrawals stay locked, per cause of the lock (lockFor). */
  readonly withdrawalLockHours: Readonly<Record<WithdrawalLockCause, number>>;
  readonly backupCodes: {
    readonly perSet: number;
    /** At this many unused codes or fewer the UI warns and suggests a new set. */
    readonly lowAt: number;
    readonly revealWindowMinutes: number;
  };
  /** `minLength` while the password is the only factor; `minLengthWithSecondFactor` once 2FA is on. */
  readonly password: {
    readonly minLength: number;
    readonly minLengthWithSecondFactor: number;
    readonly maxLength: number;
  };
  readonly secondFactor: {
    /** Wrong codes that end one sign-in attempt. */
    readonly failuresPerChallenge: number;
    /** Wrong codes a day (any method) that lock the second-factor step. */
    readonly failuresPerDay: number;
    readonly lockHours: number;
    /**
     * The methods each purpose accepts, from the factor registry (SMS: sign-in
     * only, and only while no security key is bound — the gate checks that part).
     */
    readonly methodsFor: Readonly<Record<SecondFactorPurpose, SecondFactorMethod[]>>;
  };
  /** Recovery tickets: the evidence deadline, the review times and the evidence each kind needs. */
  readonly recovery: {
    readonly evidenceWindowDays: number;
    readonly lostTwoFactorReviewHours: number;
    readonly fullVerificationReviewBusinessDays: number;
    readonly evidence: Readonly<Record<TicketKind, { required: EvidenceKind[]; recommended: EvidenceKind[] }>>;
  };
}

export function publicPolicy(config: Config): PublicPolicy {
  return {
    withdrawalLockHours: Object.fromEntries(
      WITHDRAWAL_LOCK_CAUSES.map((cause) => [cause, lockFor(cause, config).hours]),
    ) as Record<WithdrawalLockCause, number>,
    backupCodes: {
      perSet: BACKUP_CODES_PER_SET,
      lowAt: BACKUP_CODES_LOW_AT,
      revealWindowMinutes: REVEAL_WINDOW_MS / MINUTE_MS,
    },
    password: {
      minLength: PASSWORD_MIN_LENGTH,
      minLengthWithSecondFactor: PASSWORD_MIN_LENGTH_WITH_SECOND_FACTOR,
      maxLength: PASSWORD_MAX_LENGTH,
    },
    secondFactor: {
      failuresPerChallenge: FAILURES_PER_CHALLENGE,
      failuresPerDay: FAILURES_BEFORE_LOCK,
      lockHours: LOCK_DURATION_MS / HOUR_MS,
      methodsFor: Object.fromEntries(
        SECOND_FACTOR_PURPOSES.map((purpose) => [
          purpose,
          FACTOR_MODULES.filter((module) => module.allowedFor.includes(purpose)).map((module) => module.method),
        ]),
      ) as Record<SecondFactorPurpose, SecondFactorMethod[]>,
    },
    recovery: {
      evidenceWindowDays: EVIDENCE_WINDOW_DAYS,
      lostTwoFactorReviewHours: LOST_TWO_FACTOR_REVIEW_HOURS,
      fullVerificationReviewBusinessDays: FULL_VERIFICATION_REVIEW_BUSINESS_DAYS,
      evidence: Object.fromEntries(
        TICKET_KINDS.map((kind) => [
          kind,
          { required: [...REQUIRED_EVIDENCE[kind]], recommended: [...RECOMMENDED_EVIDENCE[kind]] },
        ]),
      ) as Record<TicketKind, { required: EvidenceKind[]; recommended: EvidenceKind[] }>,
    },
  };
}
