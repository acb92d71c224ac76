// What the recovery flow must remember across page loads in this tab only:
// the login challenge from the password step, and the ticket's own token.
// sessionStorage dies with the tab; the session bearer token is never kept.

const CHALLENGE = 'latchkey.recovery.challenge';
const TICKET = 'latchkey.recovery.ticket';

interface StoredTicket {
  ticketId: string;
  ticketToken: string;
}

export function rememberChallenge(challenge: string, email: string): void {
  sessionStorage.setItem(CHALLENGE, JSON.stringify({ challenge, email }));
}

export function loadChallenge(): { challenge: string; email: string } | null {
  try {
    const raw = sessionStorage.getItem(CHALLENGE);
    return raw ? (JSON.parse(raw) as { challenge: string; email: string }) : null;
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
