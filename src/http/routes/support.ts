// /v1/support: the support console's API. Every call needs a session of an
// account with the support role (403 `forbidden` otherwise) and, outside test
// mode, the agent's own 2FA (support-agent.ts): one hook for the whole scope.
import type { AppContext } from '../../app/context.ts';
import { decideTicket } from '../../app/decide-ticket.ts';
import { openEvidence } from '../../app/support-evidence.ts';
import { supportQueue } from '../../app/support-queue.ts';
import { supportTicketView } from '../../app/support-ticket-view.ts';
import type { App } from '../app-type.ts';
import { authOf, requireAgent } from '../auth.ts';
import { TicketParams } from '../contract/recovery.ts';
import {
  DecisionBody,
  DecisionResult,
  EvidenceFile,
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
const tags = ['support'];

export async function supportRoutes(app: App, { ctx }: { ctx: AppContext }): Promise<void> {
  requireAgent(app, ctx);

  app.get(
    '/tickets',
    {
      schema: {
        operationId: 'supportQueue',
        tags,
        summary: 'The queue, due soonest first (default status in_review)',
        querystring: QueueQuery,
        response: { 200: Queue },
      },
    },
    async (request) => supportQueue(ctx, request.query.status ?? 'in_review'),
  );

  app.get(
    '/tickets/:id',
    {
      schema: {
        operationId: 'supportTicket',
        tags,
        summary: 'A ticket, its evidence and the login comparison',
        params: TicketParams,
        response: { 200: SupportTicketView },
      },
      config: { problems: ['not_found'] },
    },
    async (request) => supportTicketView(ctx, request.params.id),
  );

  app.get(
    '/tickets/:id/evidence/:evidenceId',
    {
      schema: {
        operationId: 'supportEvidence',
        tags,
        summary: 'One evidence file, decrypted',
        params: EvidenceParams,
        response: { 200: EvidenceFile },
      },
      config: { problems: ['not_found', 'evidence_damaged'] },
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
    '/tickets/:id/decision',
    {
      schema: {
        operationId: 'decideTicket',
        tags,
        summary: 'Approve or reject, with a note',
        params: TicketParams,
        body: DecisionBody,
        response: { 200: DecisionResult },
      },
      config: { problems: ['not_found', 'invalid_state', 'already_decided', 'own_ticket'] },
    },
    async (request) => {
      const outcome = await decideTicket(ctx, authOf(request).account, request.params.id, request.body);
      return { status: outcome.status, approvals: outcome.approvals, approvalsRequired: outcome.approvalsRequired };
    },
  );
}
