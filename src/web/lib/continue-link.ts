// A "continue your recovery" link from a ticket email opens
// `/recovery/continue#token=…` (the token in the fragment never reaches a
// server). Before the app renders, the token is moved into this tab's storage
// and the address becomes `/#/recovery/continue`, so it is in no history entry,
// bookmark or screenshot of the address bar.
import { fragmentToken } from './fragment-token.ts';
import { rememberContinueToken } from './recovery-store.ts';

export const CONTINUE_PATH = '/recovery/continue';
const TOKEN = /^[A-Za-z0-9_-]{20,200}$/;

export function captureContinueLink(): void {
  if (window.location.pathname !== CONTINUE_PATH) return;
  const token = fragmentToken();
  if (token && TOKEN.test(token)) rememberContinueToken(token);
  window.history.replaceState(null, '', `/#${CONTINUE_PATH}`);
}
