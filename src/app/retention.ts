// Retention (issue 15 item 6): identity evidence is deleted
// LATCHKEY_EVIDENCE_RETENTION_DAYS after its ticket was decided (or expired),
// with an audit row; expired sessions, challenges and codes, and sent
// messages, are deleted once they are no use even for an inquiry; a browser
// is forgotten once its device cookie is surely gone.
import { evidenceRetentionCutoff, expiredRecordsCutoff, forgottenBrowsersCutoff } from '../domain/retention.ts';
import { removeEvidenceFile } from '../infra/evidence-files.ts';
import { appendAudit } from '../storage/events-repository.ts';
import { forgetBrowsersUnseenSince } from '../storage/known-browsers-repository.ts';
import { listEvidence } from '../storage/recovery-repository.ts';
import {
  closedTicketsWithEvidence,
  deleteTicketEvidence,
  purgeExpiredRecords,
} from '../storage/retention-repository.ts';
import type { AppContext } from './context.ts';
import type { Job } from './jobs.ts';

export async function deleteExpiredEvidence(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  const cutoff = evidenceRetentionCutoff(now, ctx.config.evidenceRetentionDays).toISOString();
  let deleted = 0;
  for (const ticket of await closedTicketsWithEvidence(ctx.storage.db, cutoff)) {
    const evidence = await listEvidence(ctx.storage.db, ticket.id);
    // Files first, then the rows: a crash in between leaves rows whose files
    // are gone, and the next run deletes those rows; never a file without a row.
    for (const item of evidence) removeEvidenceFile(ctx.config.dataDir, item.id);
    await ctx.storage.db.transaction().execute(async (trx) => {
      const count = await deleteTicketEvidence(
        trx,
        ticket.id,
        evidence.map((item) => item.id),
      );
      await appendAudit(trx, {
        accountId: ticket.account_id,
        actorAccountId: null,
        event: 'recovery_evidence_deleted',
        details: {
          ticketId: ticket.id,
          retentionDays: ctx.config.evidenceRetentionDays,
          evidence: evidence.map((item) => ({ evidenceId: item.id, kind: item.kind, size: item.size })),
        },
        at: now.toISOString(),
      });
      deleted += count;
    });
  }
  return deleted;
}

export async function purgeExpired(ctx: AppContext): Promise<Record<string, number>> {
  const now = ctx.clock.now();
  return {
    ...(await purgeExpiredRecords(ctx.storage.db, expiredRecordsCutoff(now).toISOString())),
    forgottenBrowsers: await forgetBrowsersUnseenSince(ctx.storage.db, forgottenBrowsersCutoff(now).toISOString()),
  };
}

export const retentionJobs: readonly Job[] = [
  { name: 'delete-expired-evidence', run: deleteExpiredEvidence },
  { name: 'purge-expired-records', run: purgeExpired },
];
