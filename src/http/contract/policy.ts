// The rules' numbers as clients must show them (GET /v1/policy, and the
// `policy` block of GET /v1/me/security), shaped by src/app/public-policy.ts.
import { type Static, Type } from 'typebox';
import { EVIDENCE_KINDS } from '../../domain/evidence-types.ts';
import { TICKET_KINDS } from '../../domain/recovery-ticket.ts';
import { SECOND_FACTOR_PURPOSES } from '../../domain/second-factor.ts';
import { WITHDRAWAL_LOCK_CAUSES } from '../../domain/withdrawal-lock.ts';
import { closed, SecondFactorMethod, StringEnum } from './common.ts';

const Count = Type.Integer({ minimum: 0 });
const Amount = Type.Number({ minimum: 0 });

export const PolicyView = closed({
  withdrawalLockHours: closed(Object.fromEntries(WITHDRAWAL_LOCK_CAUSES.map((cause) => [cause, Amount]))),
  backupCodes: closed({ perSet: Count, lowAt: Count, revealWindowMinutes: Amount }),
  password: closed({ minLength: Count, minLengthWithSecondFactor: Count, maxLength: Count }),
  secondFactor: closed({
    failuresPerChallenge: Count,
    failuresPerDay: Count,
    lockHours: Amount,
    methodsFor: closed(
      Object.fromEntries(SECOND_FACTOR_PURPOSES.map((purpose) => [purpose, Type.Array(SecondFactorMethod)])),
    ),
  }),
  recovery: closed({
    evidenceWindowDays: Count,
    lostTwoFactorReviewHours: Count,
    fullVerificationReviewBusinessDays: Count,
    evidence: closed(
      Object.fromEntries(
        TICKET_KINDS.map((kind) => [
          kind,
          closed({
            required: Type.Array(StringEnum(EVIDENCE_KINDS)),
            recommended: Type.Array(StringEnum(EVIDENCE_KINDS)),
          }),
        ]),
      ),
    ),
  }),
});

export type PolicyView = Static<typeof PolicyView>;
