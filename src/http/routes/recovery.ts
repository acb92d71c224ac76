// /v1/recovery: opening a ticket with the login challenge, then the
// claimant's calls on it, each authorised by `Authorization: Ticket
// <ticketToken>` (one hook for the ticket scope). Multipart parsing is
// registered in the evidence scope only, so no other route takes uploads.
import multipart, { type Multipart } from '@fastify/multipart';
import { addEvidence } from '../../app/add-evidence.ts';
import type { AppContext } from '../../app/context.ts';
import { claimantTicketView } from '../../app/get-ticket.ts';
import { openRecoveryTicket } from '../../app/open-recovery-ticket.ts';
import { beginRecoveryBinding, confirmRecoveryBinding } from '../../app/recovery-binding.ts';
import { continueRecovery } from '../../app/recovery-links.ts';
import { submitTicket } from '../../app/submit-ticket.ts';
import { DomainError } from '../../domain/errors.ts';
import { isPlainText } from '../../domain/text.ts';
import type { App } from '../app-type.ts';
import { origin, requireTicket, setSessionCookies, ticketOf } from '../auth.ts';
import { EmptyBody, PendingBinding } from '../contract/common.ts';
import {
  ConfirmRecoveryBindingBody,
  ContinuedTicket,
  ContinueRecoveryBody,
  EvidenceCreated,
  EvidenceUpload,
  OpenedTicket,
  OpenTicketBody,
  RecoveryBindingConfirmed,
  Submitted,
  TicketParams,
  TicketView,
} from '../contract/recovery.ts';

const tags = ['recovery'];

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

export async function recoveryRoutes(app: App, { ctx }: { ctx: AppContext }): Promise<void> {
  app.post(
    '/tickets',
    {
      schema: {
        operationId: 'openRecoveryTicket',
        tags,
        summary: 'Open a recovery ticket with the login challenge (the password step was passed)',
        body: OpenTicketBody,
        response: { 201: OpenedTicket },
      },
      config: { problems: ['challenge_expired', 'invalid_state'] },
    },
    async (request, reply) => {
      const opened = await openRecoveryTicket(ctx, request.body, origin(request));
      return reply.code(201).send({ ...opened, evidenceDueBy: opened.evidenceDueBy.toISOString() });
    },
  );

  app.post(
    '/continue',
    {
      schema: {
        operationId: 'continueRecovery',
        tags,
        summary: 'Continue a recovery from any browser: the one-time link from a ticket email, and the password',
        description:
          'token: from the link in a ticket email (`/recovery/continue#token=…`); challenge: from POST /v1/sessions for the same account (any challenge it answers with, recovery-only ones included). The link works once, while its ticket lives; the answer is a fresh ticket token, and the one held so far stops working.',
        body: ContinueRecoveryBody,
        response: { 200: ContinuedTicket },
      },
      config: { problems: ['challenge_expired', 'not_found'] },
    },
    async (request) => continueRecovery(ctx, request.body, origin(request)),
  );

  await app.register(async (ticket: App) => {
    requireTicket(ticket, ctx);
    ticketRoutes(ticket, ctx);
    await ticket.register(async (uploads: App) => evidenceRoute(uploads, ctx));
  });
}

function ticketRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/tickets/:id',
    {
      schema: {
        operationId: 'getRecoveryTicket',
        tags,
        summary: "The ticket's status",
        params: TicketParams,
        response: { 200: TicketView },
      },
    },
    async (request) => claimantTicketView(ctx, ticketOf(request)),
  );

  app.post(
    '/tickets/:id/submit',
    {
      schema: {
        operationId: 'submitRecoveryTicket',
        tags,
        summary: 'Submit the ticket for review',
        params: TicketParams,
        response: { 200: Submitted },
      },
      config: { problems: ['invalid_state', 'evidence_required'] },
    },
    async (request) => {
      const submitted = await submitTicket(ctx, ticketOf(request));
      return { status: submitted.status, reviewDueBy: submitted.reviewDueBy.toISOString() };
    },
  );

  app.post(
    '/tickets/:id/totp/setup',
    {
      schema: {
        operationId: 'startRecoveryTotpSetup',
        tags,
        summary: 'After approval: start binding the new authenticator',
        params: TicketParams,
        body: EmptyBody,
        response: { 200: PendingBinding },
      },
      config: { problems: ['invalid_state'] },
    },
    async (request) => {
      const pending = await beginRecoveryBinding(ctx, ticketOf(request));
      return { ...pending, expiresAt: pending.expiresAt.toISOString() };
    },
  );

  app.post(
    '/tickets/:id/totp/confirm',
    {
      schema: {
        operationId: 'confirmRecoveryTotp',
        tags,
        summary: 'After approval: confirm the new authenticator; issues backup codes and a session',
        params: TicketParams,
        body: ConfirmRecoveryBindingBody,
        response: { 200: RecoveryBindingConfirmed },
      },
      config: { problems: ['invalid_state', 'invalid_code', 'clock_out_of_sync', 'setup_expired', 'rate_limited'] },
    },
    async (request, reply) => {
      const done = await confirmRecoveryBinding(ctx, ticketOf(request), request.body, origin(request));
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
}

async function evidenceRoute(app: App, ctx: AppContext): Promise<void> {
  await app.register(multipart, {
    // One file and one field; the byte limit is checked again while streaming.
    limits: { fileSize: ctx.config.evidenceMaxBytes, files: 1, fields: 2, parts: 3, fieldSize: 256, headerPairs: 50 },
  });
  app.post(
    '/tickets/:id/evidence',
    {
      schema: {
        operationId: 'uploadEvidence',
        tags,
        summary: 'Upload evidence: multipart/form-data with the field "kind" first, then "file"',
        description:
          'kind: id_document (JPEG, PNG, PDF), selfie_video (MP4, WebM) or login_history (PDF, PNG, JPEG). The type is read from the file bytes.',
        params: TicketParams,
        response: { 201: EvidenceCreated },
      },
      config: {
        upload: EvidenceUpload,
        problems: ['invalid_state', 'payload_too_large', 'unsupported_media_type', 'storage_full'],
      },
    },
    async (request, reply) => {
      const ticket = ticketOf(request);
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
        if (!isPlainText(part.filename)) {
          part.file.resume();
          throw new DomainError('invalid_request', 'The file name has characters that are not allowed.');
        }
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
}
