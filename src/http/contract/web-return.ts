// How the OpenID interaction (src/oidc/interaction.ts) hands the browser to
// Latchkey's own pages and how those pages send it back: shared by the server
// and the web app, so the parameter names and the allowed targets are one.

/** Sign in first, then continue at the interaction. */
export const SIGN_IN_RETURN_PARAM = 'returnTo';
/** Bind a second factor first (the app asks for one), then continue at the interaction. */
export const BIND_RETURN_PARAM = 'bindFor';
/** Prove a second factor again in the web app (a security key needs the browser's WebAuthn API), then continue. */
export const REAUTHENTICATE_RETURN_PARAM = 'reauthenticateFor';

/** Only an interaction of Latchkey's own provider is a target (no open redirect). */
export const INTERACTION_RETURN_PATTERN = /^\/oidc\/interaction\/[A-Za-z0-9_-]+$/;

export const signInPageFor = (interaction: string) =>
  `/login?${SIGN_IN_RETURN_PARAM}=${encodeURIComponent(interaction)}`;
export const bindPageFor = (interaction: string) =>
  `/?${BIND_RETURN_PARAM}=${encodeURIComponent(interaction)}#/security`;
export const reauthenticatePageFor = (interaction: string) =>
  `/?${REAUTHENTICATE_RETURN_PARAM}=${encodeURIComponent(interaction)}#/reauthenticate`;
