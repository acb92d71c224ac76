// An app's OpenID sign-in (src/oidc/interaction.ts) sends the browser to
// Latchkey's pages with where to continue afterwards: after signing in
// (`returnTo`), after binding a second factor the app asks for (`bindFor`), or
// after proving one again with a security key (`reauthenticateFor`).
import {
  BIND_RETURN_PARAM,
  INTERACTION_RETURN_PATTERN,
  REAUTHENTICATE_RETURN_PARAM,
  SIGN_IN_RETURN_PARAM,
} from '../../http/contract/web-return.ts';

function target(param: string): string | null {
  const value = new URLSearchParams(window.location.search).get(param);
  return value && INTERACTION_RETURN_PATTERN.test(value) ? value : null;
}

/** Where to continue once signed in, if an app's sign-in sent the browser here. */
export const signInReturn = () => target(SIGN_IN_RETURN_PARAM);

/** Where to continue once two-factor authentication is on, if an app asked for it. */
export const bindReturn = () => target(BIND_RETURN_PARAM);

/** Where to continue once a second factor is proven again, if an app asked for a fresh one. */
export const reauthenticateReturn = () => target(REAUTHENTICATE_RETURN_PARAM);

/** Goes back to the app that asked for 2FA; true when it does. */
export function returnAfterBinding(): boolean {
  const back = bindReturn();
  if (back) window.location.assign(back);
  return back !== null;
}
