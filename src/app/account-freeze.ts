// Nobody signs in or acts on a frozen account, its owner included: while a
// full identity verification is reviewed (the guide's rule), and after the
// owner froze it with "this wasn't me" until a recovery ticket is approved
// (issue 12). One check, asked at every entry: the password step, the
// second-factor step, session authentication (so every /v1/me call,
// withdrawals and factor changes), recovery binding, and inside the
// withdrawal's transaction.
import { accountFrozen, type FreezeReason } from '../domain/account-freeze.ts';
import type { Executor } from '../storage/executor.ts';
import { accountFreezeReason } from '../storage/freezes-repository.ts';

export async function assertNotFrozen(db: Executor, accountId: string): Promise<void> {
  refuseIfFrozen(await accountFreezeReason(db, accountId));
}

/** The same refusal, for a freeze already read with the account (a login challenge's read). */
export function refuseIfFrozen(reason: FreezeReason | null): void {
  if (reason) throw accountFrozen(reason);
}
