// What the recovery flow must remember across page loads in this tab only:
// the login challenge from the password step, the ticket's own token, and the
// token of a "continue your recovery" link until it is used. sessionStorage
// dies with the tab (the emails' continue links lead back from any browser);
// the session bearer token is never kept.

const CHALLENGE = 'latchkey.recovery.challenge';
const TICKET = 'latchkey.recovery.ticket';
const CONTINUE = 'latchkey.recovery.continue';

interface StoredTicket {
  ticketId: string;
  ticketToken: string;
}

interface StoredChallenge {
  challenge: string;
  email: string;
  /** The owner froze the account ("this wasn't me"): only a recovery ticket unfreezes it. */
  frozenByOwner?: boolean;
}

export function rememberChallenge(challenge: string, email: string, frozenByOwner = false): void {
  sessionStorage.setItem(CHALLENGE, JSON.stringify({ challenge, email, frozenByOwner }));
}

export function loadChallenge(): StoredChallenge | null {
  try {
    const raw = sessionStorage.getItem(CHALLENGE);
    return raw ? (JSON.parse(raw) as StoredChallenge) : null;
  } catch {
    return null;
  }
}

export function forgetChallenge(): void {
  sessionStorage.removeItem(CHALLENGE);
}

export function rememberTicket(ticket: StoredTicket): void {
  sessionStorage.setItem(TICKET, JSON.stringify(ticket));
}

export function loadTicket(): StoredTicket | null {
  try {
    const raw = sessionStorage.getItem(TICKET);
    return raw ? (JSON.parse(raw) as StoredTicket) : null;
  } catch {
    return null;
  }
}

/** The token from a continue link's fragment, kept until it is exchanged (it works once anyway). */
export function rememberContinueToken(token: string): void {
  sessionStorage.setItem(CONTINUE, token);
}

export function loadContinueToken(): string | null {
  return sessionStorage.getItem(CONTINUE);
}

export function forgetContinueToken(): void {
  sessionStorage.removeItem(CONTINUE);
}
