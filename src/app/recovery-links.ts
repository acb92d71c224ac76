// "Continue your recovery" (issue 14, #1): a recovery must not depend on the
// browser tab that opened the ticket. Every ticket email carries a one-time
// link, `<origin>/recovery/continue#token=…` (in the fragment, so it reaches
// no server log, proxy or Referer), stored hashed. Used together with a login
// challenge of the ticket's account (the password: the mailbox alone is not
// enough, as the ticket token itself was only handed to whoever knew it), it
// gives the browser a fresh ticket token and retires the one held so far.
// It works once, and only while the ticket lives (continueLinkUsable).
import { DomainError } from '../domain/errors.ts';
import { continueLinkUsable, type TicketStatus } from '../domain/recovery-ticket.ts';
import { hashToken } from '../infra/tokens.ts';
import { appendAudit } from '../storage/events-repository.ts';
import type { Executor } from '../storage/executor.ts';
import {
  findRecoveryLink,
  findTicketById,
  insertRecoveryLink,
  replaceTicketToken,
  useRecoveryLink,
} from '../storage/recovery-repository.ts';
import type { AppContext, RequestOrigin } from './context.ts';
import { openLoginChallenge } from './login-challenge.ts';
import { ticketFacts } from './ticket-facts.ts';
import { webOrigin } from './web-links.ts';

/** A new link for the ticket, inside the caller's transaction (the one that sends the email). */
export async function issueRecoveryLink(ctx: AppContext, trx: Executor, ticketId: string, now: Date): Promise<string> {
  const token = ctx.tokens.newToken();
  await insertRecoveryLink(trx, {
    id: ctx.tokens.newId(),
    ticket_id: ticketId,
    token_hash: hashToken(token),
    created_at: now.toISOString(),
    used_at: null,
  });
  return `${webOrigin(ctx.config)}/recovery/continue#token=${token}`;
}

export interface ContinuedTicket {
  readonly ticketId: string;
  readonly ticketToken: string;
  readonly status: TicketStatus;
}

export async function continueRecovery(
  ctx: AppContext,
  input: { token: string; challenge: string },
  origin: RequestOrigin,
): Promise<ContinuedTicket> {
  const db = ctx.storage.db;
  const now = ctx.clock.now();
  const at = now.toISOString();
  // The password first: without it a link is not even looked at.
  const { account } = await openLoginChallenge(ctx, input.challenge, 'recovery');
  const refused = () =>
    new DomainError(
      'not_found',
      'This recovery link was already used, has expired with its ticket, or belongs to another account. Use the link in the latest email about your ticket, or open a new ticket.',
    );
  const link = await findRecoveryLink(db, hashToken(input.token));
  const ticket = link && (await findTicketById(db, link.ticket_id));
  if (
    !link ||
    link.used_at !== null ||
    !ticket ||
    ticket.account_id !== account.id ||
    !continueLinkUsable(
      { ...ticketFacts(ticket), decidedAt: ticket.decided_at ? new Date(ticket.decided_at) : null },
      now,
    )
  ) {
    throw refused();
  }
  const ticketToken = ctx.tokens.newToken();
  await db.transaction().execute(async (trx) => {
    // Two requests with one link: the guarded update lets one of them through.
    if (!(await useRecoveryLink(trx, link.id, at))) throw refused();
    await replaceTicketToken(trx, ticket.id, hashToken(ticketToken));
    await appendAudit(trx, {
      accountId: account.id,
      event: 'recovery_link_used',
      details: { ticketId: ticket.id, status: ticket.status, ip: origin.ip },
      at,
    });
  });
  return { ticketId: ticket.id, ticketToken, status: ticket.status };
}
