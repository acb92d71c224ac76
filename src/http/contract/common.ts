// Building blocks of the API contract shared by several resources. The
// contract modules import nothing but TypeBox and the domain's constants, so
// the web and outside clients can `import type` their `Static<>` types.
import { type Static, type TSchema, Type } from 'typebox';
import { BACKUP_CODE_DIGITS } from '../../domain/policy.ts';
import { SECOND_FACTOR_METHODS } from '../../domain/second-factor.ts';
import { MULTILINE_TEXT_PATTERN, PLAIN_TEXT_PATTERN } from '../../domain/text.ts';

/** Objects are closed: unknown fields are refused with 400 rather than silently dropped. */
export function closed<T extends Parameters<typeof Type.Object>[0]>(properties: T) {
  return Type.Object(properties, { additionalProperties: false });
}

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** An enum of strings from one of the domain's `as const` lists. */
export const StringEnum = <const T extends string[]>(values: readonly [...T]) => Type.Enum(values, { type: 'string' });

/** Times are ISO 8601 UTC strings. */
export const Time = Type.String({ format: 'date-time' });

export const Code = Type.String({
  minLength: 1,
  maxLength: 32,
  description: `Digits (${BACKUP_CODE_DIGITS} for TOTP, backup and SMS codes); spaces and dashes are ignored.`,
});
export const Email = Type.String({ minLength: 3, maxLength: 254, pattern: PLAIN_TEXT_PATTERN });
export const Password = Type.String({ minLength: 1, maxLength: 4096 });
export const Token = Type.String({ minLength: 20, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' });
export const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
/** One line of text a person typed (a name): no control, bidi-override or lone-surrogate characters. */
export const PlainText = (options: { minLength: number; maxLength: number }) =>
  Type.String({ ...options, pattern: PLAIN_TEXT_PATTERN });
/** Text that may span lines (a note): the same, but tabs and line breaks are fine. */
export const MultilineText = (options: { minLength: number; maxLength: number }) =>
  Type.String({ ...options, pattern: MULTILINE_TEXT_PATTERN });

/** A body that must be empty or `{}`. */
export const EmptyBody = Type.Optional(closed({}));

/** Any WebAuthn JSON object (options, responses): its shape is the spec's, checked by @simplewebauthn. */
export const WebauthnJson = Type.Object({}, { additionalProperties: true });

export const SecondFactorMethod = StringEnum(SECOND_FACTOR_METHODS);

/** The second factor of a step-up (withdrawals, changes to the factors). */
export const StepUpFields = {
  method: SecondFactorMethod,
  code: Type.Optional(Code),
  response: Type.Optional(WebauthnJson),
};
export const StepUpBody = closed(StepUpFields);

/** A note about a second-factor answer that succeeded (drift, few backup codes left). */
export const Warning = Type.Union([
  closed({
    code: Type.Literal('clock_drift'),
    driftSeconds: Type.Number({ description: "Signed: positive means the authenticator's clock is ahead." }),
  }),
  closed({ code: Type.Literal('backup_codes_low'), remaining: Type.Integer({ minimum: 0 }) }),
  closed({ code: Type.Literal('backup_codes_exhausted') }),
]);

/** A new authenticator binding to confirm with a code. */
export const PendingBinding = closed({
  setupId: Type.String(),
  secret: Type.String({ description: 'Base32: the setup key to back up.' }),
  otpauthUri: Type.String({ description: 'Key URI Format (otpauth://totp/…).' }),
  qrSvg: Type.String(),
  expiresAt: Time,
});

export const ConfirmBindingBody = closed({ setupId: Id, code: Code });

/** Backup codes shown once, and the token that opens their download for the reveal window. */
export const IssuedBackupCodes = {
  backupCodes: closed({ setId: Type.String(), issuedAt: Time, codes: Type.Array(Type.String()) }),
  revealToken: Type.String(),
  revealExpiresAt: Time,
};

/** 202 for a code sent by SMS. */
export const Sent = closed({ status: Type.Literal('sent') });

/** A file's bytes (downloads and uploads). */
export const Binary = Type.Unsafe<Uint8Array | AsyncIterable<Uint8Array>>({ type: 'string', format: 'binary' });

/** The body of a 204 answer: nothing. */
export const NoContent = Type.Null({ description: 'No content' });

export type Warning = Static<typeof Warning>;
export type PendingBinding = Static<typeof PendingBinding>;
export type SecondFactorMethod = Static<typeof SecondFactorMethod>;
export type StepUpBody = Static<typeof StepUpBody>;
