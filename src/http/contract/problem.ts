// Every error answer: an RFC 9457 problem whose `code` is one of the error
// registry's codes (src/domain/errors.ts). One schema for all of them; the
// OpenAPI document refers to it as the `Problem` component.
import { type Static, Type } from 'typebox';
import { ERROR_CODES } from '../../domain/errors.ts';
import { StringEnum } from './common.ts';

export const ErrorCode = StringEnum(ERROR_CODES);

export const Problem = Type.Object(
  {
    type: Type.String({ format: 'uri' }),
    title: Type.String(),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    detail: Type.String(),
    code: ErrorCode,
    attemptsRemaining: Type.Optional(
      Type.Integer({
        minimum: 0,
        description:
          'On invalid_code (and the other refused codes): how many more wrong codes the account takes before its second-factor step locks for 24 hours.',
      }),
    ),
    challengeAttemptsRemaining: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'On a login challenge: how many more wrong codes this sign-in takes; at 0 it is over.',
      }),
    ),
    lockedUntil: Type.Optional(
      Type.String({
        format: 'date-time',
        description:
          'When a lock ends: rate_limited, withdrawal_locked, and the refused code that used the attempt budget up (attemptsRemaining 0).',
      }),
    ),
    retryAt: Type.Optional(
      Type.String({
        format: 'date-time',
        description:
          'code_step_reserved: when authenticator codes work again. On a throttled password step: when to try again.',
      }),
    ),
  },
  {
    $id: 'Problem',
    title: 'Problem',
    additionalProperties: true,
    description:
      'RFC 9457 problem details. Some codes carry more fields: attemptsRemaining, challengeAttemptsRemaining, retryAt, retryAfter, lockedUntil, driftSeconds, challenge.',
  },
);

export type ErrorCode = Static<typeof ErrorCode>;
export type Problem = Static<typeof Problem>;
