// Account freezes (issue 12): the owner's "this wasn't me" links and freezes,
// and the one question every entry asks, whether the account is frozen and why.
import { type Expression, expressionBuilder } from 'kysely';
import type { FreezeReason, FreezeVia } from '../domain/account-freeze.ts';
import { changed, type Executor } from './executor.ts';
import { type EveryColumn, prepared } from './prepared.ts';
import type { AccountFreezesTable, AccountsTable, Database, FreezeLinksTable } from './schema.ts';

export type FreezeLinkRow = FreezeLinksTable;
export type FreezeRow = AccountFreezesTable;

// Built once (prepared.ts): every entry asks whether the account is frozen, a login's emails link a freeze.
const openFreezeQuery = prepared((db, p: { accountId: string }) =>
  db.selectFrom('account_freezes').selectAll().where('account_id', '=', p.accountId).where('ended_at', 'is', null),
);
/** The owner's freeze in force on an account, as a subquery. */
function ownerFreeze(accountId: string | Expression<string>) {
  return expressionBuilder<Database>()
    .selectFrom('account_freezes')
    .select('id')
    .where('account_id', '=', accountId)
    .where('ended_at', 'is', null);
}

/**
 * Whether the account is frozen, as two columns (`freeze_owner`,
 * `freeze_review`) of any select that knows the account's id: a value here, or
 * a column of the statement that reads the account (the login's challenge
 * read, beside `selectAll('accounts')`), so the question needs no statement of
 * its own. `freezeReasonOf` reads the answer. The names carry a prefix of their
 * own so no column of `accounts` can share one (a shared name would silently
 * shadow the other in the row); `FreezeColumnName` below makes tsc refuse one.
 */
export function freezeColumns(accountId: string | Expression<string>) {
  const eb = expressionBuilder<Database>();
  return [
    eb.exists(ownerFreeze(accountId)).as('freeze_owner'),
    eb
      .exists(
        eb
          .selectFrom('recovery_tickets')
          .select('id')
          .where('account_id', '=', accountId)
          .where('kind', '=', 'full_verification')
          .where('status', '=', 'in_review'),
      )
      .as('freeze_review'),
  ] as const;
}

/**
 * Why the account is frozen, or null, from `freezeColumns`: the owner froze it
 * (until a recovery ticket is approved), or a full identity verification is in
 * review (until its decision). The owner's freeze is named first: it outlasts the other.
 */
export function freezeReasonOf(row: { [K in FreezeColumnName]: unknown } | undefined): FreezeReason | null {
  if (Number(row?.freeze_owner)) return 'owner';
  return Number(row?.freeze_review) ? 'identity_verification' : null;
}

// The freeze columns' names, or never once an accounts column takes one of
// them: freezeReasonOf's reads then fail tsc instead of a row silently shadowed.
type FreezeColumnName =
  Extract<keyof AccountsTable, 'freeze_owner' | 'freeze_review'> extends never
    ? 'freeze_owner' | 'freeze_review'
    : never;

// One statement: every entry asks this.
const freezeReasonQuery = prepared((db, p: { accountId: string }) => db.selectNoFrom(freezeColumns(p.accountId)));
// An email's freeze link, written unless the owner froze the account already
// (the email then says how to unfreeze it): the check and the insert are one statement.
const insertFreezeLinkUnlessFrozenQuery = prepared((db, p: FreezeLinkRow) => {
  const row = {
    id: p.id,
    account_id: p.account_id,
    token_hash: p.token_hash,
    created_at: p.created_at,
    expires_at: p.expires_at,
    used_at: p.used_at,
  } satisfies EveryColumn<FreezeLinkRow>;
  const columns = Object.keys(row) as Array<keyof FreezeLinkRow>;
  return db
    .insertInto('freeze_links')
    .columns(columns)
    .expression(
      db
        .selectNoFrom((eb) => columns.map((column) => eb.val(row[column]).as(column)))
        .where((eb) => eb.not(eb.exists(ownerFreeze(p.account_id)))),
    );
});

/** Why the account is frozen, or null (`freezeReasonOf`). */
export async function accountFreezeReason(db: Executor, accountId: string): Promise<FreezeReason | null> {
  return freezeReasonOf(await freezeReasonQuery.first(db, { accountId }));
}

/** Writes the link unless the owner froze the account: false when frozen (nothing written). */
export async function insertFreezeLinkUnlessFrozen(db: Executor, row: FreezeLinkRow): Promise<boolean> {
  return (await insertFreezeLinkUnlessFrozenQuery.changed(db, row)) === 1;
}

export async function findFreezeLink(db: Executor, tokenHash: string): Promise<FreezeLinkRow | undefined> {
  return db.selectFrom('freeze_links').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Spends a link: a guarded write, so of concurrent uses one wins (false for the others). */
export async function spendFreezeLink(db: Executor, id: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('freeze_links')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return changed(result) === 1;
}

/** The owner's freeze in force, if any. */
export async function findOpenFreeze(db: Executor, accountId: string): Promise<FreezeRow | undefined> {
  return openFreezeQuery.first(db, { accountId });
}

export async function insertFreeze(
  db: Executor,
  row: { id: string; accountId: string; via: FreezeVia; at: string },
): Promise<void> {
  await db
    .insertInto('account_freezes')
    .values({
      id: row.id,
      account_id: row.accountId,
      via: row.via,
      frozen_at: row.at,
      ended_at: null,
      ended_by_ticket_id: null,
    })
    .execute();
}

/** Ends the owner's freeze in force (guarded): the freeze's row, or undefined when there was none. */
export async function endFreeze(
  db: Executor,
  accountId: string,
  ticketId: string,
  at: string,
): Promise<FreezeRow | undefined> {
  return db
    .updateTable('account_freezes')
    .set({ ended_at: at, ended_by_ticket_id: ticketId })
    .where('account_id', '=', accountId)
    .where('ended_at', 'is', null)
    .returning(['id', 'account_id', 'via', 'frozen_at', 'ended_at', 'ended_by_ticket_id'])
    .executeTakeFirst();
}
