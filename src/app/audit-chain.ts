// Verifying the audit chain: `latchkey audit verify` walks the whole log; a
// periodic job checks the tail and emails the support agents on a break.
import { type ChainBreak, ChainChecker, type ChainHead } from '../domain/audit-chain.ts';
import {
  appendAudit,
  findAuditBySeq,
  listAuditPage,
  readAuditChainHead,
  setAuditChainAlerted,
} from '../storage/events-repository.ts';
import type { Executor } from '../storage/executor.ts';
import { listSupportAgentEmails } from '../storage/recovery-repository.ts';
import type { AppContext } from './context.ts';
import type { Job } from './jobs.ts';
import { queueEmail } from './outbox-email.ts';

const PAGE = 1000;
/** How many of the newest rows the periodic check walks. */
export const AUDIT_TAIL_CHECKED = 1000;

export interface ChainReport {
  readonly broken: ChainBreak | undefined;
  readonly head: ChainHead;
  readonly rowsChecked: number;
}

/** Walks the chain from the start, or only its last `tail` rows (anchored on the row before them). */
export async function verifyAuditChain(db: Executor, options: { tail?: number } = {}): Promise<ChainReport> {
  const head = await readAuditChainHead(db);
  let checker = new ChainChecker();
  let afterId = 0;
  const anchorSeq = options.tail === undefined ? 0 : head.seq - options.tail;
  if (anchorSeq > 0) {
    const anchor = await findAuditBySeq(db, anchorSeq);
    if (anchor?.seq && anchor.hash) {
      checker = new ChainChecker({ seq: anchor.seq, hash: anchor.hash });
      afterId = anchor.id;
    }
  }
  for (;;) {
    const rows = await listAuditPage(db, afterId, PAGE);
    const broken = checker.feed(rows);
    if (broken || rows.length < PAGE) break;
    afterId = rows[rows.length - 1]?.id ?? afterId;
  }
  return { broken: checker.finish(head), head: { seq: head.seq, hash: head.hash }, rowsChecked: checker.rowsChecked };
}

export function describeChainReport(report: ChainReport): string {
  const head = `chain head: seq ${report.head.seq} sha256 ${report.head.hash}`;
  return report.broken
    ? `audit chain BROKEN: ${report.broken.message}\n${head}`
    : `audit chain ok: ${report.rowsChecked} rows checked\n${head}`;
}

/** The periodic check: on a break the agents are emailed once (per break) and the break is audited. */
export async function checkAuditTail(ctx: AppContext): Promise<ChainBreak | undefined> {
  const { broken } = await verifyAuditChain(ctx.storage.db, { tail: AUDIT_TAIL_CHECKED });
  if (!broken) return undefined;
  await ctx.storage.db.transaction().execute(async (trx) => {
    const head = await readAuditChainHead(trx);
    if (head.alerted === broken.message) return;
    const at = ctx.clock.now().toISOString();
    for (const email of await listSupportAgentEmails(trx)) {
      await queueEmail(ctx, trx, {
        to: email,
        subject: `${ctx.config.issuer}: the audit log was tampered with`,
        body: `The periodic check of the audit chain found: ${broken.message}.\n\nRun \`npm run latchkey -- audit verify\` on the server, compare the chain head with the last one anchored elsewhere, and investigate who had write access to the database.`,
        at: new Date(at),
      });
    }
    await appendAudit(trx, {
      accountId: null,
      event: 'audit_chain_broken',
      details: { kind: broken.kind, rowId: broken.rowId ?? null, seq: broken.seq },
      at,
    });
    await setAuditChainAlerted(trx, broken.message);
  });
  return broken;
}

export const auditChainJob: Job = { name: 'check-audit-chain', run: checkAuditTail };
