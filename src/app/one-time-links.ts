// Links sent by email that work once (an agent's invitation, a "this wasn't
// me" freeze): 256 random bits that only the email holds, stored as their
// SHA-256 with an expiry and a `used_at` the guarded write sets.
import { hashToken } from '../infra/tokens.ts';
import type { AppContext } from './context.ts';

export interface OneTimeLink {
  /** Goes into the link, never into the database. */
  readonly token: string;
  readonly expiresAt: Date;
  /** The stored half (the table adds whose link it is). */
  readonly row: { id: string; token_hash: string; created_at: string; expires_at: string; used_at: null };
}

export function newOneTimeLink(ctx: AppContext, ttlMs: number): OneTimeLink {
  const now = ctx.clock.now();
  const token = ctx.tokens.newToken();
  const expiresAt = new Date(now.getTime() + ttlMs);
  return {
    token,
    expiresAt,
    row: {
      id: ctx.tokens.newId(),
      token_hash: hashToken(token),
      created_at: now.toISOString(),
      expires_at: expiresAt.toISOString(),
      used_at: null,
    },
  };
}
