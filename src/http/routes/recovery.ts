// The claimant's recovery-ticket calls. Each is authorised by
// `Authorization: Ticket <ticketToken>` (ticket-auth.ts); multipart parsing
// is registered in this plugin's scope only, so no other route takes uploads.
import multipart, { type Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { addEvidence } from '../../app/add-evidence.ts';
import type { AppContext } from '../../app/context.ts';
import { claimantTicketView } from '../../app/get-ticket.ts';
import { openRecoveryTicket } from '../../app/open-recovery-ticket.ts';
import { beginRecoveryBinding, confirmRecoveryBinding } from '../../app/recovery-binding.ts';
import { submitTicket } from '../../app/submit-ticket.ts';
import { authenticateTicket } from '../../app/ticket-auth.ts';
import { DomainError } from '../../domain/errors.ts';
import type { App } from '../app-type.ts';
import { origin, setSessionCookies } from '../auth.ts';
import { EmptyBody, PendingBinding } from '../contract/common.ts';
import {
  ConfirmRecoveryBindingBody,
  EvidenceCreated,
  OpenedTicket,
  OpenTicketBody,
  RecoveryBindingConfirmed,
  Submitted,
  TicketParams,
  TicketView,
} from '../contract/recovery.ts';

const security = [{ ticket: [] }];

function ticketToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  return /^Ticket\s+([A-Za-z0-9_-]{20,200})$/.exec(header.trim())?.[1];
}

function malformed(): DomainError {
  return new DomainError('invalid_request', 'The multipart body is malformed.');
}

/** The next part; a parser failure (bad boundary, cut-off body) is bad input, not a server error. */
async function nextPart(parts: AsyncIterableIterator<Multipart>): Promise<Multipart | undefined> {
  try {
    const next = await parts.next();
    return next.done ? undefined : next.value;
  } catch (error) {
    if (error instanceof DomainError || typeof (error as { statusCode?: unknown }).statusCode === 'number') throw error;
    throw malformed();
  }
}

export async function recoveryRoutes(app: App, ctx: AppContext): Promise<void> {
  app.post(
    '/v1/recovery/tickets',
    {
      schema: {
        tags: ['recovery'],
        summary: 'Open a recovery ticket with the login challenge (the password step was passed)',
        body: OpenTicketBody,
        response: { 201: OpenedTicket },
      },
    },
    async (request, reply) => {
      const opened = await openRecoveryTicket(ctx, request.body, origin(request));
      return reply.code(201).send({ ...opened, evidenceDueBy: opened.evidenceDueBy.toISOString() });
    },
  );

  app.post(
    '/v1/recovery/tickets/:id/submit',
    {
      schema: {
        tags: ['recovery'],
        summary: 'Submit the ticket for review',
        security,
        params: TicketParams,
        response: { 200: Submitted },
      },
    },
    async (request) => {
      const ticket = await authenticateTicket(ctx, ticketToken(request), request.params.id);
      const submitted = await submitTicket(ctx, ticket);
      return { status: submitted.status, reviewDueBy: submitted.reviewDueBy.toISOString() };
    },
  );

  app.get(
    '/v1/recovery/tickets/:id',
    {
      schema: {
        tags: ['recovery'],
        summary: "The ticket's status",
        security,
        params: TicketParams,
        response: { 200: TicketView },
      },
    },
    async (request) => claimantTicketView(ctx, await authenticateTicket(ctx, ticketToken(request), request.params.id)),
  );

  app.post(
    '/v1/recovery/tickets/:id/totp/setup',
    {
      schema: {
        tags: ['recovery'],
        summary: 'After approval: start binding the new authenticator',
        security,
        params: TicketParams,
        body: EmptyBody,
        response: { 200: PendingBinding },
      },
    },
    async (request) => {
      const ticket = await authenticateTicket(ctx, ticketToken(request), request.params.id);
      const pending = await beginRecoveryBinding(ctx, ticket);
      return { ...pending, expiresAt: pending.expiresAt.toISOString() };
    },
  );

  app.post(
    '/v1/recovery/tickets/:id/totp/confirm',
    {
      schema: {
        tags: ['recovery'],
        summary: 'After approval: confirm the new authenticator; issues backup codes and a session',
        security,
        params: TicketParams,
        body: ConfirmRecoveryBindingBody,
        response: { 200: RecoveryBindingConfirmed },
      },
    },
    async (request, reply) => {
      const ticket = await authenticateTicket(ctx, ticketToken(request), request.params.id);
      const done = await confirmRecoveryBinding(ctx, ticket, request.body, origin(request));
      setSessionCookies(ctx, request, reply, done.token, done.expiresAt);
      return {
        backupCodes: { ...done.backupCodes, issuedAt: done.backupCodes.issuedAt.toISOString() },
        revealToken: done.revealToken,
        revealExpiresAt: done.revealExpiresAt.toISOString(),
        token: done.token,
        expiresAt: done.expiresAt.toISOString(),
      };
    },
  );

  await app.register(async (scope: App) => {
    await scope.register(multipart, {
      // One file and one field; the byte limit is checked again while streaming.
      limits: { fileSize: ctx.config.evidenceMaxBytes, files: 1, fields: 2, parts: 3, fieldSize: 256, headerPairs: 50 },
    });
    scope.post(
      '/v1/recovery/tickets/:id/evidence',
      {
        schema: {
          tags: ['recovery'],
          summary: 'Upload evidence: multipart/form-data with the field "kind" first, then "file"',
          description:
            'kind: id_document (JPEG, PNG, PDF), selfie_video (MP4, WebM) or login_history (PDF, PNG, JPEG). The type is read from the file bytes.',
          consumes: ['multipart/form-data'],
          security,
          params: TicketParams,
          response: { 201: EvidenceCreated },
        },
      },
      async (request, reply) => {
        const ticket = await authenticateTicket(ctx, ticketToken(request), request.params.id);
        if (!request.isMultipart())
          throw new DomainError('unsupported_media_type', 'Send the evidence as multipart/form-data.');
        let kind: string | undefined;
        const parts = request.parts();
        for (let part = await nextPart(parts); part; part = await nextPart(parts)) {
          if (part.type === 'field') {
            if (part.fieldname !== 'kind' || typeof part.value !== 'string') {
              throw new DomainError('invalid_request', `Unexpected field "${part.fieldname}".`);
            }
            kind = part.value;
            continue;
          }
          if (part.fieldname !== 'file') throw new DomainError('invalid_request', 'Send the file in the field "file".');
          const file = part.file;
          try {
            const created = await addEvidence(ctx, ticket, {
              kind,
              fileName: part.filename,
              stream: file,
              truncated: () => file.truncated,
            });
            return reply.code(201).send(created);
          } catch (error) {
            // Drain what is left of the upload so the connection stays usable for the answer.
            file.resume();
            if (!(error instanceof DomainError) && file.errored) throw malformed();
            throw error;
          }
        }
        throw new DomainError('invalid_request', 'Send the file in the field "file".');
      },
    );
  });
}
