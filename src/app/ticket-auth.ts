// `Authorization: Ticket <ticketToken>`: the token authorises its own ticket's
// calls and nothing else, and dies with the ticket.
import { DomainError } from '../domain/errors.ts';
import { isLapsed } from '../domain/recovery-ticket.ts';
import { hashToken } from '../infra/tokens.ts';
import { findTicketByTokenHash, type TicketRow } from '../storage/recovery-repository.ts';
import type { AppContext } from './context.ts';
import { ticketFacts } from './ticket-facts.ts';

export async function authenticateTicket(
  ctx: AppContext,
  token: string | undefined,
  ticketId: string,
): Promise<TicketRow> {
  if (!token)
    throw new DomainError('unauthenticated', 'Send the ticket token as "Authorization: Ticket <ticketToken>".');
  const ticket = await findTicketByTokenHash(ctx.storage.db, hashToken(token));
  if (!ticket) throw new DomainError('unauthenticated', 'The ticket token is not valid.');
  // A valid token for another ticket learns nothing about this one: same 404 as a missing ticket.
  if (ticket.id !== ticketId) throw new DomainError('not_found', 'No such recovery ticket.');
  if (isLapsed(ticketFacts(ticket), ctx.clock.now())) {
    throw new DomainError(
      'unauthenticated',
      'This recovery ticket expired: no evidence was submitted within 14 days. Open a new one.',
    );
  }
  return ticket;
}
