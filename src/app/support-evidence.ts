// An agent opens one piece of evidence: decrypted as it streams out, and
// every opening is audited (who looked at whose identity documents).
import type { Readable } from 'node:stream';
import type { Account } from '../domain/account.ts';
import { DomainError } from '../domain/errors.ts';
import { readDecryptedEvidence } from '../infra/evidence-files.ts';
import { appendAudit } from '../storage/events-repository.ts';
import { findEvidence, findTicketById } from '../storage/recovery-repository.ts';
import type { AppContext } from './context.ts';

export interface EvidenceDownload {
  readonly stream: Readable;
  readonly mimeType: string;
  readonly size: number;
  readonly fileName: string;
}

export async function openEvidence(
  ctx: AppContext,
  agent: Account,
  ticketId: string,
  evidenceId: string,
): Promise<EvidenceDownload> {
  const db = ctx.storage.db;
  const ticket = await findTicketById(db, ticketId);
  const evidence = ticket ? await findEvidence(db, ticket.id, evidenceId) : undefined;
  if (!ticket || !evidence) throw new DomainError('not_found', 'No such evidence on this ticket.');
  let stream: Awaited<ReturnType<typeof readDecryptedEvidence>>;
  try {
    stream = await readDecryptedEvidence(ctx.keyring, ctx.config.dataDir, evidence.id, evidence.key_version);
  } catch (error) {
    // Missing, truncated or altered on disk: the agent is told, nothing unverified is served.
    ctx.logger.error({ evidenceId, error: (error as Error).message }, 'evidence failed its integrity check');
    throw new DomainError('evidence_damaged', 'The stored file is missing or failed its integrity check.');
  }
  await appendAudit(db, {
    accountId: ticket.account_id,
    actorAccountId: agent.id,
    event: 'recovery_evidence_viewed',
    details: { ticketId, evidenceId },
    at: ctx.clock.now().toISOString(),
  });
  return { stream, mimeType: evidence.mime_type, size: Number(evidence.size), fileName: evidence.file_name };
}
