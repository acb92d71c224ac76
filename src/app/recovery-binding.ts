// After an approved recovery the account has no factors. The new authenticator
// is bound through the approved ticket (whose token only the claimant holds),
// never through a password-only session: someone else who knows the password
// must not get to bind theirs first (security review finding).

import type { Account } from '../domain/account.ts';
import { DomainError } from '../domain/errors.ts';
import { awaitsRecoveryBinding } from '../domain/recovery-binding.ts';
import { findAccountById } from '../storage/accounts-repository.ts';
import { findLatestApprovedTicket, type TicketRow } from '../storage/recovery-repository.ts';
import { assertNotFrozen } from './account-freeze.ts';
import { openPendingBinding, type PendingBinding } from './bind-authenticator.ts';
import { confirmAuthenticator } from './confirm-authenticator.ts';
import type { AppContext, RequestOrigin } from './context.ts';
import type { IssuedBackupCodes } from './issue-backup-codes.ts';
import { type IssuedToken, issueSession } from './sessions.ts';

/**
 * The ticket may bind only while the account waits for it: approved, the
 * account's latest approval (a later one supersedes it), and no full
 * verification in review (which suspends it: issue 11 #5).
 */
async function accountAwaitingBinding(ctx: AppContext, ticket: TicketRow): Promise<Account> {
  const db = ctx.storage.db;
  const account = await findAccountById(db, ticket.account_id);
  const latest = account ? await findLatestApprovedTicket(db, account.id) : undefined;
  if (
    ticket.status !== 'approved' ||
    !account ||
    !awaitsRecoveryBinding(account.pendingRecoveryLock) ||
    latest?.id !== ticket.id
  ) {
    throw new DomainError('invalid_state', 'This ticket has no authenticator binding waiting.');
  }
  await assertNotFrozen(db, account.id);
  return account;
}

export async function beginRecoveryBinding(ctx: AppContext, ticket: TicketRow): Promise<PendingBinding> {
  const account = await accountAwaitingBinding(ctx, ticket);
  return ctx.storage.db.transaction().execute((trx) => openPendingBinding(ctx, trx, account, 'enroll'));
}

export async function confirmRecoveryBinding(
  ctx: AppContext,
  ticket: TicketRow,
  input: { setupId: string; code: string },
  origin: RequestOrigin,
): Promise<IssuedBackupCodes & IssuedToken> {
  const account = await accountAwaitingBinding(ctx, ticket);
  // Confirming locks withdrawals (the lock policy's recovery cause) and signs out every session.
  const issued = await confirmAuthenticator(ctx, account, undefined, input, { viaRecoveryTicket: true });
  const session = await issueSession(ctx, ctx.storage.db, account.id, origin);
  return { ...issued, token: session.token, expiresAt: session.expiresAt };
}
