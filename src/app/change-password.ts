// A signed-in owner changes the password (issue 12): the current password
// first (through the password throttle), then set-new-password.ts: the
// account's second factor when it has 2FA, and one transaction that signs out
// every other session and locks withdrawals (cause `password_changed`).
import type { Account } from '../domain/account.ts';
import { DomainError } from '../domain/errors.ts';
import { checkPassword } from './check-password.ts';
import type { AppContext, RequestOrigin } from './context.ts';
import { type NewPasswordProof, setNewPassword } from './set-new-password.ts';

export async function changePassword(
  ctx: AppContext,
  account: Account,
  sessionId: string,
  input: { currentPassword: string; newPassword: string } & NewPasswordProof,
  origin: RequestOrigin,
): Promise<void> {
  if (!(await checkPassword(ctx, account.email, account, input.currentPassword, origin))) {
    throw new DomainError('invalid_credentials', 'The current password is wrong.');
  }
  if (input.newPassword === input.currentPassword) {
    throw new DomainError('weak_password', 'The new password is the same as the current one. Choose a new one.');
  }
  await setNewPassword(ctx, account, {
    purpose: 'password_change',
    newPassword: input.newPassword,
    proof: input,
    origin,
    keepSessionId: sessionId,
  });
}
