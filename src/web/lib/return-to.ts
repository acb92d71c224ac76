// An agent (or anyone) whose session ends on a page — it expired, or was
// signed out elsewhere — comes back to that page after signing in again,
// not to the security page (issue 14, #7). Only the app's own hash paths.
import { SESSION_ENDED } from './api.ts';
import { currentPath } from './router.ts';

const KEY = 'latchkey.returnTo';
const PATH = /^\/(support|withdrawals|security)(\/[A-Za-z0-9_%-]+)*$/;

/** Listens once for the end of the session and remembers where it happened. */
export function rememberWhereSessionsEnd(): void {
  window.addEventListener(SESSION_ENDED, () => {
    const path = currentPath();
    if (PATH.test(path)) sessionStorage.setItem(KEY, path);
  });
}

/** Where to go after signing in (once), if a session ended on a page of the app. */
export function takeReturnPath(): string | null {
  const path = sessionStorage.getItem(KEY);
  sessionStorage.removeItem(KEY);
  return path && PATH.test(path) ? path : null;
}

export function forgetReturnPath(): void {
  sessionStorage.removeItem(KEY);
}
