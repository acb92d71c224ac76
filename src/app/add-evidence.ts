// Adding one piece of evidence to a ticket awaiting evidence: the type is
// decided by the file's bytes, the size is capped, and the file is streamed
// encrypted to disk. The row is written only once the file is complete, and
// a file whose row can't be written is removed.
import type { Readable } from 'node:stream';
import { DomainError } from '../domain/errors.ts';
import { isEvidenceKind } from '../domain/evidence-types.ts';
import { assertAcceptsEvidence } from '../domain/recovery-ticket.ts';
import { EVIDENCE_QUOTA_WINDOW_MS, type EvidenceLimits, quotaRoom, uploadLimit } from '../domain/retention.ts';
import { freeEvidenceBytes, removeEvidenceFile, writeEncryptedEvidence } from '../infra/evidence-files.ts';
import { appendAudit } from '../storage/events-repository.ts';
import type { Executor } from '../storage/executor.ts';
import { holdTicketIn, insertEvidence, listEvidence, type TicketRow } from '../storage/recovery-repository.ts';
import { evidenceUsage } from '../storage/retention-repository.ts';
import type { AppContext } from './context.ts';
import { EvidenceInspector, tooLarge } from './evidence-inspector.ts';
import { ticketFacts } from './ticket-facts.ts';

export interface EvidenceUpload {
  readonly kind: string | undefined;
  readonly fileName: string;
  readonly stream: Readable;
  /** True when the multipart parser cut the file at its size limit. */
  readonly truncated: () => boolean;
}

export async function addEvidence(
  ctx: AppContext,
  ticket: TicketRow,
  upload: EvidenceUpload,
): Promise<{ evidenceId: string }> {
  const { kind } = upload;
  if (kind === undefined || !isEvidenceKind(kind)) {
    throw new DomainError(
      'invalid_request',
      'Send the field "kind" (id_document, selfie_video or login_history) before the file.',
    );
  }
  assertAcceptsEvidence(ticketFacts(ticket), ctx.clock.now(), (await listEvidence(ctx.storage.db, ticket.id)).length);
  const id = ctx.tokens.newId();
  const limits = evidenceLimits(ctx);
  // Quotas and the free-disk floor cap this upload before a byte is written.
  const maxBytes = uploadLimit(
    limits,
    await usage(ctx, ctx.storage.db, ticket),
    await freeEvidenceBytes(ctx.config.dataDir),
    ctx.clock.now(),
  );
  const inspector = new EvidenceInspector(kind, maxBytes);
  const { keyVersion } = await writeEncryptedEvidence(ctx.keyring, ctx.config.dataDir, id, upload.stream, inspector);
  try {
    if (upload.truncated()) throw tooLarge(maxBytes);
    const mimeType = inspector.mimeType;
    if (!mimeType) throw new DomainError('unsupported_media_type', 'The file is empty.');
    const now = ctx.clock.now();
    const at = now.toISOString();
    await ctx.storage.db.transaction().execute(async (trx) => {
      // The ticket may have been submitted (or expired) while the file streamed in.
      if (!(await holdTicketIn(trx, ticket.id, 'awaiting_evidence'))) {
        throw new DomainError('invalid_state', 'The ticket no longer takes evidence.');
      }
      // Counted again under the row lock: parallel uploads can't overshoot the cap.
      assertAcceptsEvidence(ticketFacts(ticket), now, (await listEvidence(trx, ticket.id)).length);
      if (inspector.size > quotaRoom(limits, await usage(ctx, trx, ticket), now)) throw tooLarge(maxBytes);
      await insertEvidence(trx, {
        id,
        ticket_id: ticket.id,
        kind,
        mime_type: mimeType,
        size: inspector.size,
        file_name: upload.fileName.slice(0, 255),
        key_version: keyVersion,
        created_at: at,
      });
      await appendAudit(trx, {
        accountId: ticket.account_id,
        event: 'recovery_evidence_added',
        details: { ticketId: ticket.id, evidenceId: id, kind, mimeType, size: inspector.size },
        at,
      });
    });
  } catch (error) {
    removeEvidenceFile(ctx.config.dataDir, id);
    throw error;
  }
  return { evidenceId: id };
}

function evidenceLimits(ctx: AppContext): EvidenceLimits {
  return {
    maxFileBytes: ctx.config.evidenceMaxBytes,
    ticketQuotaBytes: ctx.config.evidenceTicketQuotaBytes,
    dailyQuotaBytes: ctx.config.evidenceDailyQuotaBytes,
    minFreeBytes: ctx.config.evidenceMinFreeBytes,
  };
}

async function usage(ctx: AppContext, db: Executor, ticket: TicketRow) {
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - EVIDENCE_QUOTA_WINDOW_MS).toISOString();
  const row = await evidenceUsage(db, ticket.id, ticket.account_id, since);
  return { ...row, oldestInWindow: row.oldestInWindow ? new Date(row.oldestInWindow) : undefined };
}
