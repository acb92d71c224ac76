// The words of every message Latchkey sends. No code, secret or token ever
// goes into one (ASVS 5.0 16.2.5); each says what to do if it wasn't you
// (NIST SP 800-63B-4 §4.6: repudiation instructions).

import { enqueueMessage } from '../storage/events-repository.ts';
import type { Executor } from '../storage/executor.ts';

const WASNT_YOU =
  "Wasn't you? Someone may know your password: change it now and contact support to freeze your account.";

export interface Notice {
  readonly subject: string;
  readonly body: string;
}

export const notices = {
  authenticatorBound: (at: Date): Notice => ({
    subject: 'An authenticator app was bound to your account',
    body: `Two-factor authentication was turned on for your account at ${at.toISOString()}. ${WASNT_YOU}`,
  }),
  backupCodeUsed: (remaining: number, at: Date): Notice => ({
    subject: 'A backup code was used',
    body: `A backup code was used to sign in to your account at ${at.toISOString()}. ${remaining} backup code${remaining === 1 ? '' : 's'} remain${remaining === 1 ? 's' : ''}.${remaining <= 3 ? ' Reset 2FA in Account Security to get 8 new codes.' : ''} ${WASNT_YOU}`,
  }),
  secondFactorLocked: (until: Date): Notice => ({
    subject: 'Sign-in to your account is locked',
    body: `Too many wrong two-factor codes were entered for your account. The second-factor step is locked until ${until.toISOString()}. Someone who knows your password may be trying to sign in. ${WASNT_YOU}`,
  }),
  twoFactorReset: (lockedUntil: Date): Notice => ({
    subject: '2FA was reset – withdrawals locked',
    body: `Two-factor authentication was reset on your account: a new authenticator is bound and 8 new backup codes were issued; the old ones no longer work. Withdrawals are locked until ${lockedUntil.toISOString()}. ${WASNT_YOU}`,
  }),
};

export async function notifyEmail(db: Executor, to: string, notice: Notice, now: Date): Promise<void> {
  await enqueueMessage(db, {
    channel: 'email',
    recipient: to,
    subject: notice.subject,
    body: notice.body,
    createdAt: now.toISOString(),
  });
}
