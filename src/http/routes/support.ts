// The support console's API. Every call needs a session of an account with
// the support role (403 `forbidden` otherwise) and, outside test mode, the
// agent's own 2FA (support-agent.ts).
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { decideTicket } from '../../app/decide-ticket.ts';
import { assertAgentReady } from '../../app/support-agent.ts';
import { openEvidence } from '../../app/support-evidence.ts';
import { supportQueue } from '../../app/support-queue.ts';
import { supportTicketView } from '../../app/support-ticket-view.ts';
import type { App } from '../app-type.ts';
import { authOf, requireRole, requireSession } from '../auth.ts';
import { TicketParams } from '../contract/recovery.ts';
import {
  DecisionBody,
  DecisionResult,
  EvidenceParams,
  Queue,
  QueueQuery,
  SupportTicketView,
} from '../contract/support.ts';

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'application/pdf': 'pdf',
  'video/mp4': 'mp4',
  'video/webm': 'webm',
};

export function supportRoutes(app: App, ctx: AppContext): void {
  const preHandler = [
    requireSession(ctx),
    requireRole('support'),
    async (request: FastifyRequest) => assertAgentReady(ctx, authOf(request).account),
  ];
  const security = [{ bearer: [] }];

  app.get(
    '/v1/support/tickets',
    {
      schema: {
        tags: ['support'],
        summary: 'The queue, due soonest first (default status in_review)',
        security,
        querystring: QueueQuery,
        response: { 200: Queue },
      },
      preHandler,
    },
    async (request) => supportQueue(ctx, request.query.status ?? 'in_review'),
  );

  app.get(
    '/v1/support/tickets/:id',
    {
      schema: {
        tags: ['support'],
        summary: 'A ticket, its evidence and the login comparison',
        security,
        params: TicketParams,
        response: { 200: SupportTicketView },
      },
      preHandler,
    },
    async (request) => supportTicketView(ctx, request.params.id),
  );

  app.get(
    '/v1/support/tickets/:id/evidence/:evidenceId',
    {
      schema: { tags: ['support'], summary: 'One evidence file, decrypted', security, params: EvidenceParams },
      preHandler,
    },
    async (request, reply) => {
      const file = await openEvidence(ctx, authOf(request).account, request.params.id, request.params.evidenceId);
      const name = `evidence-${request.params.evidenceId}.${EXTENSIONS[file.mimeType] ?? 'bin'}`;
      return reply
        .header('content-type', file.mimeType)
        .header('content-length', String(file.size))
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'no-store')
        .header('content-security-policy', "sandbox; default-src 'none'")
        .send(file.stream);
    },
  );

  app.post(
    '/v1/support/tickets/:id/decision',
    {
      schema: {
        tags: ['support'],
        summary: 'Approve or reject, with a note',
        security,
        params: TicketParams,
        body: DecisionBody,
        response: { 200: DecisionResult },
      },
      preHandler,
    },
    async (request) => {
      const outcome = await decideTicket(ctx, authOf(request).account, request.params.id, request.body);
      return { status: outcome.status, approvals: outcome.approvals, approvalsRequired: outcome.approvalsRequired };
    },
  );
}
