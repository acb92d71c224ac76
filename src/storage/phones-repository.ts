import type { Executor } from './executor.ts';
import { changed } from './executor.ts';
import type { PhonesTable, SmsCodesTable } from './schema.ts';

export type PhoneRow = PhonesTable;
export type SmsCodeRow = SmsCodesTable;

/** A new number replaces the old one and must be verified again. */
export async function upsertPhone(db: Executor, row: PhoneRow): Promise<void> {
  await db
    .insertInto('phones')
    .values(row)
    .onConflict((c) =>
      c.column('account_id').doUpdateSet({
        phone_enc: row.phone_enc,
        phone_masked: row.phone_masked,
        created_at: row.created_at,
        verified_at: null,
      }),
    )
    .execute();
}

export async function findPhone(db: Executor, accountId: string): Promise<PhoneRow | undefined> {
  return db.selectFrom('phones').selectAll().where('account_id', '=', accountId).executeTakeFirst();
}

export async function markPhoneVerified(db: Executor, accountId: string, now: string): Promise<void> {
  await db.updateTable('phones').set({ verified_at: now }).where('account_id', '=', accountId).execute();
}

export async function deletePhone(db: Executor, accountId: string): Promise<void> {
  await db.deleteFrom('sms_codes').where('account_id', '=', accountId).execute();
  await db.deleteFrom('phones').where('account_id', '=', accountId).execute();
}

export async function insertSmsCode(db: Executor, row: SmsCodeRow): Promise<void> {
  await db.insertInto('sms_codes').values(row).execute();
}

/** How many codes were sent to the account since `since` (send throttling). */
export async function countSmsCodesSince(db: Executor, accountId: string, since: string): Promise<number> {
  const row = await db
    .selectFrom('sms_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Spends the matching live code once; the affected-row count says who won. */
export async function spendSmsCode(
  db: Executor,
  accountId: string,
  purpose: SmsCodeRow['purpose'],
  codeHash: string,
  now: string,
): Promise<boolean> {
  const result = await db
    .updateTable('sms_codes')
    .set({ used_at: now })
    .where('account_id', '=', accountId)
    .where('purpose', '=', purpose)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return changed(result) === 1;
}

export async function listEncryptedPhones(db: Executor): Promise<Array<Pick<PhoneRow, 'account_id' | 'phone_enc'>>> {
  return db.selectFrom('phones').select(['account_id', 'phone_enc']).execute();
}

export async function updatePhoneCiphertext(db: Executor, accountId: string, phoneEnc: string): Promise<void> {
  await db.updateTable('phones').set({ phone_enc: phoneEnc }).where('account_id', '=', accountId).execute();
}

/** The newest live code of the account for `purpose`: a guess is scoped to it. */
export async function findLatestLiveSmsCode(
  db: Executor,
  accountId: string,
  purpose: SmsCodeRow['purpose'],
  now: string,
): Promise<Pick<SmsCodeRow, 'id'> | undefined> {
  return db
    .selectFrom('sms_codes')
    .select('id')
    .where('account_id', '=', accountId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
}

/** A new code supersedes the older ones, whatever their purpose: one live code per account. */
export async function supersedeSmsCodes(db: Executor, accountId: string, now: string): Promise<void> {
  await db
    .updateTable('sms_codes')
    .set({ used_at: now })
    .where('account_id', '=', accountId)
    .where('used_at', 'is', null)
    .execute();
}
