// The two reasons an account is frozen, and what a "this wasn't me" link does.
// Pure: the caller reads the link and the account's freeze under the account's
// row and passes them in with the time.
import { DomainError } from './errors.ts';
import { FREEZE_LINK_TTL_MS } from './policy.ts';

const LINK_DAYS = FREEZE_LINK_TTL_MS / (24 * 3600_000);

/** How the owner froze the account: the link of a security email, or the security page while signed in. */
export const FREEZE_VIAS = ['email_link', 'security_page'] as const;
export type FreezeVia = (typeof FREEZE_VIAS)[number];

/**
 * `owner`: the owner froze it ("this wasn't me"); it ends only when support
 * approves a recovery ticket. `identity_verification`: a full verification is
 * in review; it ends with the decision.
 */
export type FreezeReason = 'owner' | 'identity_verification';

export interface FreezeLinkFacts {
  readonly expiresAt: string;
  readonly usedAt: string | null;
}

export type FreezeLinkVerdict = 'freeze' | 'already_frozen';

/**
 * An unknown or expired link is refused; a link of an account its owner has
 * already frozen is harmless (nothing more happens, whether or not this link
 * was the one used); a used link of an account no longer frozen is refused.
 */
export function judgeFreezeLink(
  link: FreezeLinkFacts | undefined,
  now: Date,
  frozenByOwner: boolean,
): FreezeLinkVerdict {
  if (!link || link.expiresAt <= now.toISOString()) throw invalidFreezeLink();
  if (frozenByOwner) return 'already_frozen';
  if (link.usedAt !== null) throw invalidFreezeLink();
  return 'freeze';
}

export function invalidFreezeLink(): DomainError {
  return new DomainError(
    'invalid_token',
    `This freeze link is not valid: it has expired (links work for ${LINK_DAYS} days), was already used, or was changed. ` +
      'If someone else is using your account, open a recovery ticket from the sign-in page or contact support.',
  );
}

const FROZEN_SENTENCE: Record<FreezeReason, string> = {
  owner:
    'This account is frozen: its owner froze it after a security alert. Sign-in and withdrawals stay stopped until support approves a recovery ticket. ' +
    'To unfreeze it, open a lost-2FA recovery ticket ("Security verification unavailable?" on the sign-in page).',
  identity_verification: 'This account is frozen while its identity verification is reviewed.',
};

export function accountFrozen(reason: FreezeReason): DomainError {
  return new DomainError('account_frozen', FROZEN_SENTENCE[reason], { reason });
}
