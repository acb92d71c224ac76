// "Forgot password?" (issue 12): POST /v1/password-resets answers 202 whether
// or not the address has an account, after the same work (the throttle, the
// lookup, a fresh token and its hash, one transaction with an audit entry)
// and no sooner than PASSWORD_RESET_ANSWER_FLOOR_MS (an account's link and
// email cost a few milliseconds more), so neither the answer nor its timing
// tells which addresses exist. A known
// account gets an email with a single-use link: the token is random (256
// bits), stored only as its SHA-256 hash, good for 30 minutes, and ended by
// use or by any newer request. Throttled per address (known or not) and per IP.

import { setTimeout as sleep } from 'node:timers/promises';
import { normalizeEmail } from '../domain/account-rules.ts';
import { DomainError } from '../domain/errors.ts';
import { PASSWORD_RESET_ANSWER_FLOOR_MS, PASSWORD_RESET_TTL_MS } from '../domain/policy.ts';
import { hashToken } from '../infra/tokens.ts';
import { findAccountByEmail, lockAccountRow } from '../storage/accounts-repository.ts';
import { appendAudit } from '../storage/events-repository.ts';
import { replacePasswordReset } from '../storage/password-resets-repository.ts';
import type { AppContext, RequestOrigin } from './context.ts';
import { notifyEmail, passwordNotices } from './notifications.ts';

/** The page that takes the link; the token rides in the fragment, which browsers never send to a server. */
export function passwordResetLink(ctx: AppContext, token: string): string {
  const origin = ctx.config.publicOrigin ?? ctx.config.webauthnOrigins[0];
  return `${origin}/password-reset#token=${token}`;
}

export async function requestPasswordReset(
  ctx: AppContext,
  input: { email: string },
  origin: RequestOrigin,
): Promise<void> {
  // Wall time, not ctx.clock: what an observer measures.
  const arrived = performance.now();
  await recordResetRequest(ctx, input, origin);
  const wait = PASSWORD_RESET_ANSWER_FLOOR_MS - (performance.now() - arrived);
  if (wait > 0) await sleep(wait);
}

async function recordResetRequest(ctx: AppContext, input: { email: string }, origin: RequestOrigin): Promise<void> {
  const address = normalizeEmail(input.email);
  const wait = await ctx.resetThrottle.take(ctx.keyring.fingerprint('password-reset', address), origin.ip);
  if (wait > 0) {
    throw new DomainError(
      'rate_limited',
      'Too many password reset requests for this address or from your network. Wait, then try again; a link already sent still works until it expires.',
      { retryAfter: wait },
    );
  }
  const db = ctx.storage.db;
  const account = await findAccountByEmail(db, address);
  const now = ctx.clock.now();
  const at = now.toISOString();
  // Drawn and hashed for an unknown address too: the same work either way.
  const token = ctx.tokens.newToken();
  const tokenHash = hashToken(token);
  const expiresAt = new Date(now.getTime() + PASSWORD_RESET_TTL_MS);
  await db.transaction().execute(async (trx) => {
    if (!account) {
      // No address and no account id: the entry only counts the requests.
      await appendAudit(trx, { accountId: null, event: 'password_reset_unknown_address', details: {}, at });
      return;
    }
    // Held so that of two requests at once, the later one ends the earlier's link.
    await lockAccountRow(trx, account.id);
    await replacePasswordReset(trx, {
      id: ctx.tokens.newId(),
      account_id: account.id,
      token_hash: tokenHash,
      created_at: at,
      expires_at: expiresAt.toISOString(),
      ended_at: null,
      ip: origin.ip,
    });
    await appendAudit(trx, {
      accountId: account.id,
      event: 'password_reset_requested',
      details: { ip: origin.ip },
      at,
    });
    const notice = passwordNotices.passwordResetLink(
      passwordResetLink(ctx, token),
      expiresAt,
      PASSWORD_RESET_TTL_MS / 60_000,
      origin,
    );
    await notifyEmail(ctx, trx, account, notice);
  });
}
