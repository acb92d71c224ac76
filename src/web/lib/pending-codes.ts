// The save-your-codes step in progress. Until the owner finishes it, this tab
// remembers the reveal token (sessionStorage: this tab only, like the recovery
// ticket's token), so the security page can show the same codes again while the
// server's reveal window is open (`POST /v1/me/backup-codes/reveal`). The codes
// themselves are never stored in the browser.

const KEY = 'latchkey.pendingCodes';

export interface PendingCodes {
  revealToken: string;
  revealExpiresAt: string;
}

export function rememberPendingCodes(pending: PendingCodes): void {
  sessionStorage.setItem(
    KEY,
    JSON.stringify({ revealToken: pending.revealToken, revealExpiresAt: pending.revealExpiresAt }),
  );
}

/** The step left unfinished in this tab, while its reveal window is still open. */
export function pendingCodes(now = Date.now()): PendingCodes | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    const pending = raw ? (JSON.parse(raw) as PendingCodes) : null;
    if (pending && Date.parse(pending.revealExpiresAt) > now) return pending;
  } catch {
    // Unreadable: treat as gone.
  }
  forgetPendingCodes();
  return null;
}

export function forgetPendingCodes(): void {
  sessionStorage.removeItem(KEY);
}
