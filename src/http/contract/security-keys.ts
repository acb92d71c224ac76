// Security keys (WebAuthn) under /v1/me/security-keys. The JSON shapes of
// options and responses are the WebAuthn spec's
// (PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON, …).
import { type Static, Type } from 'typebox';
import { closed, PlainText, Time, WebauthnJson } from './common.ts';

export const RegisterKeyBody = closed({
  name: PlainText({ minLength: 1, maxLength: 64 }),
  response: WebauthnJson,
});
export const SecurityKeyCreated = closed({ id: Type.String(), name: Type.String(), createdAt: Time });
export const SecurityKeyParams = closed({ id: Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9_-]*$' }) });
/** PublicKeyCredentialCreationOptionsJSON or PublicKeyCredentialRequestOptionsJSON. */
export const WebauthnOptions = Type.Object(
  { challenge: Type.String() },
  { additionalProperties: true, description: 'WebAuthn options JSON (the spec defines the rest)' },
);

export type RegisterKeyBody = Static<typeof RegisterKeyBody>;
export type SecurityKeyCreated = Static<typeof SecurityKeyCreated>;
export type WebauthnOptions = Static<typeof WebauthnOptions>;
