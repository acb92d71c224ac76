// The words of every message Latchkey sends. No code, secret or password ever
// goes into one (ASVS 5.0 16.2.5). Three kinds of one-time link do: the
// recovery ticket's "continue" link (recovery-links.ts), useless without the
// account's password; the forgotten-password link, whose token proves the
// mailbox (and still needs the second factor when 2FA is on); and the "this
// wasn't me" freeze link that notifyEmail ends every email to an account with
// (NIST SP 800-63B-4 §4.6: repudiation instructions; freeze-account.ts), whose
// token (256 random bits, stored hashed, single use, FREEZE_LINK_TTL_MS) can
// do nothing but freeze. The numbers the messages state (codes per set,
// failures, lock hours) are passed in by the caller, which has them from the
// domain policy or the configuration: none is written here.

import { FREEZE_LINK_TTL_MS, MINUTE_MS } from '../domain/policy.ts';
import { describeBrowser } from '../infra/browser-words.ts';
import { memoized } from '../infra/memo.ts';
import type { Executor } from '../storage/executor.ts';
import { insertFreezeLinkUnlessFrozen } from '../storage/freezes-repository.ts';
import type { AppContext } from './context.ts';
import { newOneTimeLink } from './one-time-links.ts';
import { queueEmail } from './outbox-email.ts';
import { webOrigin } from './web-links.ts';

const EMAIL_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

// The words name the minute: one formatting per minute, not per email (a login's emails and links share it).
const minuteWords = memoized((minute: number) => `${EMAIL_TIME.format(minute * MINUTE_MS)} UTC`, 16);

/** An absolute time as a person reads it, whatever their mail client: "Monday, 30 November 2026 at 03:13 UTC". */
export function emailTime(at: Date): string {
  return minuteWords(Math.floor(at.getTime() / MINUTE_MS));
}

const hours = (n: number): string => (n === 1 ? '1 hour' : `${n} hours`);

export interface Notice {
  readonly subject: string;
  readonly body: string;
}

export const notices = {
  phoneAdded: (masked: string, at: Date, withdrawalsLockedUntil: Date): Notice => ({
    subject: 'A phone was added for SMS codes',
    body: `The phone ${masked} was verified for SMS codes on your account at ${emailTime(at)}. Withdrawals are locked until ${emailTime(withdrawalsLockedUntil)}.`,
  }),
  phoneRemoved: (at: Date): Notice => ({
    subject: 'The phone for SMS codes was removed',
    body: `The phone for SMS codes was removed from your account at ${emailTime(at)}.`,
  }),
  securityKeyAdded: (name: string, at: Date, withdrawalsLockedUntil: Date): Notice => ({
    subject: 'A security key was added to your account',
    body: `The security key "${name}" was added to your account at ${emailTime(at)}. Withdrawals are locked until ${emailTime(withdrawalsLockedUntil)}.`,
  }),
  securityKeyRemoved: (at: Date): Notice => ({
    subject: 'A security key was removed from your account',
    body: `A security key was removed from your account at ${emailTime(at)}.`,
  }),
  authenticatorBound: (at: Date): Notice => ({
    subject: 'An authenticator app was bound to your account',
    body: `Two-factor authentication was turned on for your account at ${emailTime(at)}.`,
  }),
  /** `newSet`: how many codes a reset issues, when the remaining ones are running low (else null). */
  backupCodeUsed: (remaining: number, newSet: number | null, at: Date): Notice => ({
    subject: 'A backup code was used',
    body: `A backup code was used to sign in to your account at ${emailTime(at)}. ${remaining} backup code${remaining === 1 ? '' : 's'} remain${remaining === 1 ? 's' : ''}.${newSet !== null ? ` Reset 2FA in Account Security to get ${newSet} new codes.` : ''}`,
  }),
  secondFactorFailing: (
    failures: number,
    origin: { ip: string | null; userAgent: string | null },
    at: Date,
  ): Notice => ({
    subject: 'Your password was used with wrong two-factor codes',
    body: `At ${emailTime(at)} someone signed in with your password and then entered ${failures} wrong two-factor codes (from ${origin.ip ?? 'an unknown address'}, ${describeBrowser(origin.userAgent)}). If this was not you, your password is known to someone else: change it now.`,
  }),
  secondFactorFailed: (origin: { ip: string | null; userAgent: string | null }, at: Date): Notice => ({
    subject: 'A wrong two-factor code was entered for your account',
    body: `At ${emailTime(at)} a wrong two-factor code was entered for your account (from ${origin.ip ?? 'an unknown address'}, ${describeBrowser(origin.userAgent)}). We tell you about the first wrong code of a day only.`,
  }),
  secondFactorLocked: (until: Date): Notice => ({
    subject: 'Sign-in to your account is locked',
    body: `Too many wrong two-factor codes were entered for your account. The second-factor step is locked until ${emailTime(until)}. Someone who knows your password may be trying to sign in.`,
  }),
  accountFrozen: (at: Date): Notice => ({
    subject: 'Your account is frozen',
    body: `Your account was frozen on ${emailTime(at)} with "this wasn't me": every session was signed out, and nobody can sign in or withdraw, you included. To unfreeze it, open a lost-2FA recovery ticket: on the sign-in page enter your email and password, then choose "Security verification unavailable?". Support checks who you are and, once the ticket is approved, you bind a new authenticator and the freeze ends. Then change your password.`,
  }),
  /** A successful sign-in from a browser the account has not seen before (known-browsers.ts). */
  newBrowserSignIn: (origin: { ip: string | null; userAgent: string | null }, at: Date): Notice => ({
    subject: 'New sign-in to your account',
    body: `Your account was signed in to from a browser it had not been used with before: ${describeBrowser(origin.userAgent)}, from the address ${origin.ip ?? 'unknown'}, on ${emailTime(at)}. If this was you, there is nothing to do. You can see your recent sign-ins and sign out other browsers in Account security.`,
  }),
  twoFactorReset: (codesPerSet: number, lockedUntil: Date): Notice => ({
    subject: '2FA was reset – withdrawals locked',
    body: `Two-factor authentication was reset on your account: a new authenticator is bound and ${codesPerSet} new backup codes were issued; the old codes, security keys and phone no longer work. Withdrawals are locked until ${emailTime(lockedUntil)}.`,
  }),
};

// The account's own controls (issue 12): password change and forgotten password.
const where = (origin: { ip: string | null }) => (origin.ip ? ` from the network address ${origin.ip}` : '');

export const passwordNotices = {
  passwordChanged: (at: Date, origin: { ip: string | null }, lock: { until: Date; hours: number }): Notice => ({
    subject: 'Your password was changed',
    body: `The password of your account was changed on ${emailTime(at)}${where(origin)}. Every other session was signed out. For your safety, withdrawals are locked for ${hours(lock.hours)}, until ${emailTime(lock.until)}.`,
  }),
  /** The one message that carries a link with a token: the link IS the proof of the mailbox. */
  passwordResetLink: (link: string, expiresAt: Date, ttlMinutes: number, origin: { ip: string | null }): Notice => ({
    subject: 'Reset your password',
    body: `Someone asked to reset the password of your account${where(origin)}. To choose a new password, open this link within ${ttlMinutes} minutes (it stops working on ${emailTime(expiresAt)}, after one use, or when a newer link is asked for):\n\n${link}\n\nIf your account has two-factor authentication, you will also need your authenticator app, a backup code or a security key: a password reset never skips it. If you asked for this, nothing else is needed. If you did not, you can ignore this email: your password stays as it is.`,
  }),
  passwordReset: (at: Date, origin: { ip: string | null }, lock: { until: Date; hours: number }): Notice => ({
    subject: 'Your password was reset',
    body: `The password of your account was reset with a link from this mailbox on ${emailTime(at)}${where(origin)}. Every session was signed out. For your safety, withdrawals are locked for ${hours(lock.hours)}, until ${emailTime(lock.until)}.`,
  }),
};

// Recovery tickets (issue 6). Every step is announced to the account's
// address, so a recovery the owner didn't start is noticed in time.
const kindName = (kind: string): string =>
  kind === 'full_verification' ? 'full identity verification' : 'lost-2FA recovery';

/** The one-time link back to the ticket from any browser (recovery-links.ts). */
const continueAt = (link: string): string =>
  `Continue from any browser with this link (it works once and asks for your password): ${link}`;

const CANCEL_IF_NOT_YOU =
  "Didn't open it? Sign in with your password and your authenticator, security key or a backup code: the second-factor step shows the ticket and cancels it.";

export const recoveryNotices = {
  ticketOpened: (kind: string, evidenceDueBy: Date, link: string): Notice => ({
    subject: 'A recovery ticket was opened for your account',
    body: `A ${kindName(kind)} ticket was opened for your account after a correct password. Upload your evidence and submit it before ${emailTime(evidenceDueBy)}, or the ticket expires. ${continueAt(link)} ${CANCEL_IF_NOT_YOU}`,
  }),
  ticketSubmitted: (kind: string, reviewDueBy: Date, link: string): Notice => ({
    subject: 'Your recovery ticket is in review',
    body: `Your ${kindName(kind)} ticket was submitted and will be reviewed by ${emailTime(reviewDueBy)}.${kind === 'full_verification' ? ' Until the decision nobody can sign in to the account, you included: your assets stay safe, but you cannot use them either.' : ''} To see its status: ${continueAt(link)}`,
  }),
  approvalRecorded: (approvals: number, required: number, link: string): Notice => ({
    subject: 'Your recovery ticket got an approval',
    body: `A support agent approved your recovery ticket (${approvals} of ${required} approvals). A second agent now reviews it; you will hear from us again. To see its status: ${continueAt(link)}`,
  }),
  ticketApproved: (note: string, lockHours: number, link: string): Notice => ({
    subject: 'Your recovery ticket was approved – 2FA was reset',
    body: `Your recovery ticket was approved. Every second factor of your account was removed and every session signed out. To finish, bind your new authenticator app on the recovery ticket page, which signs you in. ${continueAt(link)} Signing in with your password alone cannot bind it, so that nobody else who knows your password can. Withdrawals stay locked for ${lockHours} hours after that binding. Note from support: ${note}`,
  }),
  ticketRejected: (note: string, link: string): Notice => ({
    subject: 'Your recovery ticket was rejected',
    body: `Your recovery ticket was rejected, and your account's factors are unchanged. Note from support: ${note} You can open a new ticket with better evidence: ${continueAt(link)}`,
  }),
  ticketsCancelled: (count: number, at: Date, why: 'second_factor' | 'superseded'): Notice => ({
    subject: count === 1 ? 'A recovery ticket was cancelled' : 'Recovery tickets were cancelled',
    body: `${count} open recovery ticket${count === 1 ? ' was' : 's were'} cancelled at ${emailTime(at)}${why === 'second_factor' ? " by someone who passed your account's second factor" : ': another recovery ticket of your account was approved'}. A freeze they held has ended.`,
  }),
  ticketExpired: (): Notice => ({
    subject: 'Your recovery ticket expired',
    body: `Your recovery ticket expired because no evidence was submitted before its deadline. Nothing changed on your account.`,
  }),
  ticketOverdue: (ticketId: string, kind: string, reviewDueBy: Date): Notice => ({
    subject: 'A recovery ticket is overdue for review',
    body: `The ${kindName(kind)} ticket ${ticketId} was due for review by ${emailTime(reviewDueBy)} and is still undecided. Please review it in the support console.`,
  }),
};

/** The account an email is about: it goes to its address and carries its freeze link. */
export interface Recipient {
  readonly id: string;
  readonly email: string;
}

/**
 * Every email to an account: written to the outbox in the caller's transaction,
 * ending with a fresh freeze link (or, when the owner froze the account
 * already, with the way out of the freeze).
 */
export async function notifyEmail(ctx: AppContext, db: Executor, account: Recipient, notice: Notice): Promise<void> {
  await queueEmail(ctx, db, {
    to: account.email,
    subject: notice.subject,
    body: `${notice.body}\n\n${await wasntYou(ctx, db, account.id)}`,
    at: ctx.clock.now(),
  });
}

async function wasntYou(ctx: AppContext, db: Executor, accountId: string): Promise<string> {
  const link = newOneTimeLink(ctx, FREEZE_LINK_TTL_MS);
  if (!(await insertFreezeLinkUnlessFrozen(db, { ...link.row, account_id: accountId }))) {
    return 'Your account is frozen. To unfreeze it, open a lost-2FA recovery ticket from the sign-in page ("Security verification unavailable?"): support checks who you are.';
  }
  // The token rides in the fragment: browsers never send it, so no server or proxy log holds it.
  return `Wasn't you? Freeze your account: ${webOrigin(ctx.config)}/freeze#token=${link.token}\nFreezing signs out every session and stops sign-ins and withdrawals until support has checked who you are through a recovery ticket. The link works once, until ${emailTime(link.expiresAt)}.`;
}

/** Mail to support agents about their work (no account of theirs is concerned: no freeze link). */
export async function notifyStaff(ctx: AppContext, db: Executor, to: string, notice: Notice): Promise<void> {
  await queueEmail(ctx, db, { to, subject: notice.subject, body: notice.body, at: ctx.clock.now() });
}
