// How long the provider's artefacts live, in seconds: the one place for them.
export const TOKEN_TTL = {
  AccessToken: 10 * 60,
  AuthorizationCode: 60,
  IdToken: 60 * 60,
  RefreshToken: 14 * 24 * 60 * 60,
  Interaction: 10 * 60,
  Session: 14 * 24 * 60 * 60,
  Grant: 14 * 24 * 60 * 60,
} as const;

/** Signed tokens (ID and JWT access tokens) outlive no key rotation by more than this. */
export const LONGEST_SIGNED_TOKEN_SECONDS = Math.max(TOKEN_TTL.AccessToken, TOKEN_TTL.IdToken);
