// A phone for SMS codes: added beside the authenticator app, verified with a
// code sent to it, and only then offered as a second factor. Wrong
// verification codes draw on the account's one attempt budget.

import type { Account } from '../domain/account.ts';
import { DomainError } from '../domain/errors.ts';
import { appendAudit } from '../storage/events-repository.ts';
import {
  deletePhone,
  findLatestLiveSmsCode,
  findPhone,
  markPhoneVerified,
  spendSmsCode,
  upsertPhone,
} from '../storage/phones-repository.ts';
import { findActiveTotpBinding } from '../storage/totp-repository.ts';
import type { AppContext, RequestOrigin } from './context.ts';
import { invalidCode } from './factors/factor.ts';
import { lockWithdrawalsForNewFactor } from './factors/factor-added.ts';
import { notices, notifyEmail } from './notifications.ts';
import {
  assertMethodAllowed,
  normalizedCode,
  passFactorAttempt,
  passSecondFactor,
  type SecondFactorPurpose,
} from './second-factor-gate.ts';
import type { StepUp } from './security-keys.ts';
import { sendSmsCode, smsCodeHash } from './sms-codes.ts';

export const PHONE_AAD = (accountId: string) => `phone:${accountId}`;

/** E.164: a plus sign and 8 to 15 digits; spaces, dashes and brackets are ignored. */
export function normalizePhone(input: string): string {
  const phone = input.replace(/[\s().-]/g, '');
  if (!/^\+[1-9]\d{7,14}$/.test(phone)) {
    throw new DomainError('invalid_request', 'Give the phone number in international format, e.g. +44 7700 900123.');
  }
  return phone;
}

/** "+44•••••••23": enough for the owner to recognise, too little to reuse. */
export function maskPhone(phone: string): string {
  return `${phone.slice(0, 3)}${'•'.repeat(Math.max(0, phone.length - 5))}${phone.slice(-2)}`;
}

function decryptPhone(ctx: AppContext, accountId: string, phoneEnc: string): string {
  return ctx.keyring.decrypt(phoneEnc, PHONE_AAD(accountId)).toString('utf8');
}

export async function addPhone(
  ctx: AppContext,
  account: Account,
  input: string,
  stepUp: StepUp,
  origin: RequestOrigin,
): Promise<{ phone: string }> {
  const phone = normalizePhone(input);
  const db = ctx.storage.db;
  // SMS is a restricted authenticator (NIST SP 800-63B-4 §3.2.9): never the only factor.
  if (!(await findActiveTotpBinding(db, account.id))) {
    throw new DomainError('two_factor_required', 'Bind an authenticator app before adding a phone.');
  }
  const now = ctx.clock.now();
  await passSecondFactor(
    ctx,
    { account, ...stepUp, code: stepUp.code, purpose: 'factor_change', origin },
    async (trx) => {
      await upsertPhone(trx, {
        account_id: account.id,
        phone_enc: ctx.keyring.encrypt(phone, PHONE_AAD(account.id)),
        phone_masked: maskPhone(phone),
        created_at: now.toISOString(),
        verified_at: null,
      });
      await sendSmsCode(ctx, trx, account.id, phone, 'verify_phone');
      await appendAudit(trx, { accountId: account.id, event: 'phone_added', details: {}, at: now.toISOString() });
    },
  );
  return { phone: maskPhone(phone) };
}

export async function verifyPhone(
  ctx: AppContext,
  account: Account,
  input: string,
  origin: RequestOrigin,
): Promise<void> {
  const db = ctx.storage.db;
  const phone = await findPhone(db, account.id);
  if (!phone) throw new DomainError('not_found', 'Add a phone first.');
  const now = ctx.clock.now();
  const code = await normalizedCode(ctx, account.id, input, now);
  const live = await findLatestLiveSmsCode(db, account.id, 'verify_phone', now.toISOString());
  const codeHash = smsCodeHash(ctx, account.id, code);
  // Through the gate's one decision (ADR 0003), with its own check: the phone
  // is not a second factor yet. Counted before the answer is acted on, one
  // commit; a wrong code counts, is audited and locks like any wrong second
  // factor: one budget per account.
  await passFactorAttempt(
    ctx,
    { account, method: 'sms', purpose: 'factor_change', origin },
    {
      // A guess at one code: a new SMS makes the same digits a new guess.
      guess: `verify_phone|${live?.id ?? 'none'}|${code}`,
      // A keyed hash compared in SQL: nothing slow to do before the transaction.
      verify: async () => async (trx) =>
        (await spendSmsCode(trx, account.id, 'verify_phone', codeHash, now.toISOString()))
          ? { ok: true, outcome: { method: 'sms', warnings: [] } }
          : { ok: false, error: invalidCode() },
    },
    now,
    async (trx) => {
      await markPhoneVerified(trx, account.id, now.toISOString());
      await appendAudit(trx, { accountId: account.id, event: 'phone_verified', details: {}, at: now.toISOString() });
      const lockedUntil = await lockWithdrawalsForNewFactor(ctx, trx, account.id);
      await notifyEmail(ctx, trx, account, notices.phoneAdded(phone.phone_masked, now, lockedUntil));
    },
  );
}

export async function removePhone(
  ctx: AppContext,
  account: Account,
  stepUp: StepUp,
  origin: RequestOrigin,
): Promise<void> {
  const now = ctx.clock.now();
  if (!(await findPhone(ctx.storage.db, account.id))) throw new DomainError('not_found', 'No phone is registered.');
  await passSecondFactor(
    ctx,
    { account, ...stepUp, code: stepUp.code, purpose: 'factor_change', origin },
    async (trx) => {
      await deletePhone(trx, account.id);
      await appendAudit(trx, { accountId: account.id, event: 'phone_removed', details: {}, at: now.toISOString() });
      await notifyEmail(ctx, trx, account, notices.phoneRemoved(now));
    },
  );
}

/**
 * Sends a second-factor code to the account's verified phone, for a sign-in;
 * a step-up never takes SMS (the purpose policy), so it gets none sent.
 */
export async function sendSecondFactorSms(
  ctx: AppContext,
  accountId: string,
  purpose: SecondFactorPurpose,
): Promise<void> {
  const phone = await findPhone(ctx.storage.db, accountId);
  if (!phone?.verified_at) throw new DomainError('method_not_available', 'No verified phone is registered.');
  await assertMethodAllowed(ctx.storage.db, accountId, 'sms', purpose);
  await sendSmsCode(ctx, ctx.storage.db, accountId, decryptPhone(ctx, accountId, phone.phone_enc), 'second_factor');
}
