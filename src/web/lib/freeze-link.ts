// The freeze page lives at /freeze (the link of every security email:
// /freeze#token=…). The token rides in the fragment, which browsers never send,
// so no server or proxy log holds it; the page reads it once and wipes it from
// the address bar and history. `#frozen` shows what happens next.
import { fragmentToken } from './fragment-token.ts';

export const FREEZE_PATH = '/freeze';
export const FROZEN_HASH = '#frozen';

export function onFreezePage(): boolean {
  return window.location.pathname === FREEZE_PATH;
}

/** The token of the link, read once; the address bar keeps no copy of it. */
export function takeFreezeToken(): string | null {
  const token = fragmentToken();
  if (token !== null) window.history.replaceState(null, '', FREEZE_PATH);
  return token;
}
