// The tamper-evident audit chain (issue 15 item 12): each row carries its
// position `seq`, the hash of the row before it and a SHA-256 hash over both
// and its own content, so changing, deleting or inserting a row breaks the
// chain at that row. The head (last seq and hash) is kept in one row that every
// append updates in its transaction, which also serialises concurrent appends;
// an operator can anchor the printed head elsewhere.
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditContent {
  readonly account_id: string | null;
  readonly actor_account_id: string | null;
  readonly event: string;
  readonly details: string;
  readonly at: string;
}

export interface ChainedRow extends AuditContent {
  readonly id: number;
  readonly seq: number | null;
  readonly prev_hash: string | null;
  readonly hash: string | null;
}

export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

export function auditHash(seq: number, prevHash: string, row: AuditContent): string {
  const content = JSON.stringify([seq, row.account_id, row.actor_account_id, row.event, row.details, row.at]);
  return createHash('sha256').update(`${prevHash}\n${content}`).digest('hex');
}

export interface ChainBreak {
  readonly kind: 'changed' | 'deleted' | 'inserted';
  /** The row where the chain breaks (for `deleted`, the row after the gap; none when the tail was cut). */
  readonly rowId: number | undefined;
  readonly seq: number;
  readonly message: string;
}

/**
 * Walks `rows` (in insertion order, id ascending) from `anchor` (the head of
 * the chain before them) and returns the first break, or checks the last row
 * against `head`. Rows are fed in pages: the returned `next` anchor continues.
 */
export class ChainChecker {
  #expected: ChainHead;
  #previousId: number | undefined;
  #broken: ChainBreak | undefined;
  #rows = 0;

  constructor(anchor: ChainHead = { seq: 0, hash: GENESIS_HASH }) {
    this.#expected = anchor;
  }

  get rowsChecked(): number {
    return this.#rows;
  }

  /** Feeds the next rows; stops at the first break. */
  feed(rows: readonly ChainedRow[]): ChainBreak | undefined {
    for (const row of rows) {
      if (this.#broken) break;
      this.#rows += 1;
      this.#broken = this.#check(row);
      if (!this.#broken) {
        this.#expected = { seq: row.seq as number, hash: row.hash as string };
        this.#previousId = row.id;
      }
    }
    return this.#broken;
  }

  /** After the last page: the chain must end at `head`. */
  finish(head: ChainHead): ChainBreak | undefined {
    if (this.#broken) return this.#broken;
    const last = this.#expected;
    if (last.seq < head.seq) {
      return {
        kind: 'deleted',
        rowId: undefined,
        seq: last.seq + 1,
        message: `rows seq ${last.seq + 1} to ${head.seq} were deleted from the end of the log`,
      };
    }
    if (last.seq > head.seq || last.hash !== head.hash) {
      return {
        kind: 'inserted',
        rowId: undefined,
        seq: head.seq,
        message: `the log ends at seq ${last.seq}, but the chain head says seq ${head.seq}`,
      };
    }
    return undefined;
  }

  #check(row: ChainedRow): ChainBreak | undefined {
    const want = this.#expected.seq + 1;
    if (row.seq === null || row.hash === null || row.prev_hash === null || row.seq < want) {
      return { kind: 'inserted', rowId: row.id, seq: want, message: `row id ${row.id} was inserted outside the chain` };
    }
    if (row.seq > want) {
      const range = row.seq - 1 === want ? `seq ${want}` : `seq ${want} to ${row.seq - 1}`;
      return {
        kind: 'deleted',
        rowId: row.id,
        seq: want,
        message: `row ${range} was deleted (before row id ${row.id})`,
      };
    }
    const selfConsistent = auditHash(row.seq, row.prev_hash, row) === row.hash;
    if (selfConsistent && row.prev_hash !== this.#expected.hash && this.#previousId !== undefined) {
      // This row is intact but no longer links: the row before it was rewritten, hash and all.
      const id = this.#previousId;
      return { kind: 'changed', rowId: id, seq: want - 1, message: `row id ${id} (seq ${want - 1}) was changed` };
    }
    if (!selfConsistent || row.prev_hash !== this.#expected.hash) {
      return { kind: 'changed', rowId: row.id, seq: row.seq, message: `row id ${row.id} (seq ${row.seq}) was changed` };
    }
    return undefined;
  }
}
