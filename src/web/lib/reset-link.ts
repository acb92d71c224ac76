// The forgotten-password link is /password-reset#token=…: the token rides in
// the fragment, which the browser never sends to a server (no access log or
// Referer carries it). On arrival it is kept for this tab only and the address
// becomes #/password-reset, so it leaves the address bar and the history too.
import { fragmentToken } from './fragment-token.ts';

const KEY = 'latchkey.passwordResetToken';

export function captureResetLink(): void {
  if (window.location.pathname !== '/password-reset') return;
  const token = fragmentToken();
  if (token) sessionStorage.setItem(KEY, token);
  window.history.replaceState(null, '', '/#/password-reset');
}

export const resetLinkToken = (): string | null => sessionStorage.getItem(KEY);

export function forgetResetLink(): void {
  sessionStorage.removeItem(KEY);
}
