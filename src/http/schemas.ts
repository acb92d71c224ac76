// Shared TypeBox schemas. Objects are closed (additionalProperties: false):
// unknown fields are refused with 400 rather than silently dropped.
import { Type } from 'typebox';

export const Code = Type.String({ minLength: 1, maxLength: 32, description: 'Digits; spaces and dashes are ignored.' });
export const Email = Type.String({ minLength: 3, maxLength: 254 });
export const Password = Type.String({ minLength: 1, maxLength: 4096 });
export const Token = Type.String({ minLength: 20, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' });

export const Warning = Type.Object({
  code: Type.String(),
  driftSeconds: Type.Optional(Type.Number()),
  remaining: Type.Optional(Type.Integer()),
});

export const PendingBinding = Type.Object({
  setupId: Type.String(),
  secret: Type.String(),
  otpauthUri: Type.String(),
  qrSvg: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
});

export function closed<T extends Parameters<typeof Type.Object>[0]>(properties: T) {
  return Type.Object(properties, { additionalProperties: false });
}

/** Any WebAuthn JSON object (options, responses): its shape is the spec's, checked by @simplewebauthn. */
export const WebauthnJson = Type.Object({}, { additionalProperties: true });

/** The second factor of a step-up (withdrawals, changes to the factors). */
export const StepUpFields = {
  method: Type.Union([
    Type.Literal('totp'),
    Type.Literal('backup_code'),
    Type.Literal('webauthn'),
    Type.Literal('sms'),
  ]),
  code: Type.Optional(Code),
  response: Type.Optional(WebauthnJson),
};
