// The guide's rule: while a full identity verification is reviewed nobody
// signs in or acts on the account, its owner included. One check, asked at
// every entry: the password step, the second-factor step, session
// authentication (so every /v1/me call, withdrawals and factor changes),
// recovery binding, and inside the withdrawal's transaction.
import { DomainError } from '../domain/errors.ts';
import type { Executor } from '../storage/executor.ts';
import { isAccountFrozen } from '../storage/recovery-repository.ts';

export function accountFrozen(): DomainError {
  return new DomainError('account_frozen', 'This account is frozen while its identity verification is reviewed.');
}

export async function assertNotFrozen(db: Executor, accountId: string): Promise<void> {
  if (await isAccountFrozen(db, accountId)) throw accountFrozen();
}
