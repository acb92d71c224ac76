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
  },
  {
    $id: 'Problem',
    title: 'Problem',
    additionalProperties: true,
    description:
      'RFC 9457 problem details. Some codes carry more fields: attemptsRemaining, retryAfter, lockedUntil, driftSeconds, challenge.',
  },
);

export type ErrorCode = Static<typeof ErrorCode>;
export type Problem = Static<typeof Problem>;
