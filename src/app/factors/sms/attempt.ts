// SMS codes through the gate. SMS is a restricted authenticator (NIST SP
// 800-63B-4 §3.2.9): offered only beside an authenticator app, with codes that
// live 10 minutes and work once.
import { normalizeCode } from '../../../domain/backup-codes.ts';
import { DomainError } from '../../../domain/errors.ts';
import { findLatestLiveSmsCode, findPhone, spendSmsCode } from '../../../storage/phones-repository.ts';
import { smsCodeHash } from '../../sms-codes.ts';
import { type Factor, invalidCode, notAvailable } from '../factor.ts';

export const smsFactor: Factor = async (ctx, account, input, now) => {
  const phone = await findPhone(ctx.storage.db, account.id);
  if (!phone?.verified_at) throw notAvailable('sms');
  if (input.code === undefined) throw new DomainError('invalid_request', 'A code is required.');
  const code = normalizeCode(input.code);
  // A guess is scoped to the code it is a guess at: every new SMS makes the same
  // digits a new guess, which must count again.
  const live = await findLatestLiveSmsCode(ctx.storage.db, account.id, 'second_factor', now.toISOString());
  return {
    guess: `${live?.id ?? 'none'}|${code}`,
    async verify() {
      const codeHash = smsCodeHash(ctx, account.id, code);
      return async (trx) => {
        if (!(await spendSmsCode(trx, account.id, 'second_factor', codeHash, now.toISOString()))) {
          return { ok: false, error: invalidCode() };
        }
        return { ok: true, outcome: { method: 'sms', warnings: [] } };
      };
    },
  };
};
