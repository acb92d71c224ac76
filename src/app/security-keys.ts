// Hardware security keys (WebAuthn, e.g. a YubiKey): the guide's most reliable
// fallback beside the authenticator app. Registration uses
// @simplewebauthn/server; the rules (who may add one, single-use challenges,
// duplicates refused, notifications) are ours.
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { Account } from '../domain/account.ts';
import { DomainError } from '../domain/errors.ts';
import { MAX_SECURITY_KEYS_PER_ACCOUNT } from '../domain/policy.ts';
import type { WebauthnChallengePurpose } from '../domain/second-factor.ts';
import { appendAudit } from '../storage/events-repository.ts';
import {
  deleteSecurityKey,
  insertSecurityKey,
  listSecurityKeys,
  spendWebauthnChallenge,
} from '../storage/security-keys-repository.ts';
import { findActiveTotpBinding } from '../storage/totp-repository.ts';
import type { AppContext, RequestOrigin } from './context.ts';
import { lockWithdrawalsForNewFactor } from './factors/factor-added.ts';
import { notices, notifyEmail } from './notifications.ts';
import { passSecondFactor } from './second-factor-gate.ts';
import { challengeFromClientData, newWebauthnChallenge } from './webauthn-challenges.ts';

/** A second factor proving it is the owner changing the factors, not a stolen session (ASVS 5.0 7.5.1). */
export interface StepUp {
  readonly method: string;
  readonly code?: string | undefined;
  readonly response?: unknown;
}

export async function securityKeyRegistrationOptions(
  ctx: AppContext,
  account: Account,
  stepUp: StepUp,
  origin: RequestOrigin,
) {
  const db = ctx.storage.db;
  // Keys join an existing 2FA setup: the authenticator app and backup codes come first.
  if (!(await findActiveTotpBinding(db, account.id))) {
    throw new DomainError('two_factor_required', 'Bind an authenticator app before adding a security key.');
  }
  const existing = await listSecurityKeys(db, account.id);
  if (existing.length >= MAX_SECURITY_KEYS_PER_ACCOUNT) {
    throw new DomainError(
      'invalid_state',
      `An account can hold at most ${MAX_SECURITY_KEYS_PER_ACCOUNT} security keys.`,
    );
  }
  // The single-use registration challenge is only handed out after the step-up.
  const { result: challenge } = await passSecondFactor(
    ctx,
    { account, ...stepUp, code: stepUp.code, purpose: 'factor_change', origin },
    (trx) => newWebauthnChallenge(ctx, trx, account.id, 'register'),
  );
  return generateRegistrationOptions({
    rpName: ctx.config.issuer,
    rpID: ctx.config.webauthnRpId,
    userName: account.email,
    userID: new TextEncoder().encode(account.id),
    challenge: Buffer.from(challenge, 'base64url'),
    attestationType: 'none',
    excludeCredentials: existing.map((key) => ({ id: key.credential_id, transports: JSON.parse(key.transports) })),
    authenticatorSelection: { residentKey: 'discouraged', userVerification: 'preferred' },
    preferredAuthenticatorType: 'securityKey',
  });
}

export async function registerSecurityKey(
  ctx: AppContext,
  account: Account,
  input: { name: string; response: RegistrationResponseJSON },
): Promise<{ id: string; name: string; createdAt: string }> {
  const db = ctx.storage.db;
  const challenge = challengeFromClientData(input.response.response?.clientDataJSON ?? '');
  if (!challenge) throw new DomainError('invalid_request', 'The security key response is malformed.');
  let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verification = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: challenge,
      expectedOrigin: [...ctx.config.webauthnOrigins],
      expectedRPID: ctx.config.webauthnRpId,
      requireUserVerification: false,
    });
  } catch {
    // The library's reason stays on the server: it can describe what a forger should fix.
    throw new DomainError('invalid_request', 'The security key response was refused.');
  }
  if (!verification.verified || !verification.registrationInfo) {
    throw new DomainError('invalid_request', 'The security key response could not be verified.');
  }
  const { credential } = verification.registrationInfo;
  const now = ctx.clock.now();
  const at = now.toISOString();
  const id = ctx.tokens.newId();
  await db.transaction().execute(async (trx) => {
    if (!(await spendWebauthnChallenge(trx, account.id, 'register', challenge, at))) {
      throw new DomainError('challenge_expired', 'The registration has expired. Start again.');
    }
    const inserted = await insertSecurityKey(trx, {
      id,
      account_id: account.id,
      credential_id: credential.id,
      public_key: Buffer.from(credential.publicKey).toString('base64url'),
      counter: credential.counter,
      transports: JSON.stringify(credential.transports ?? []),
      name: input.name,
      created_at: at,
      last_used_at: null,
    });
    if (!inserted) throw new DomainError('invalid_state', 'This security key is already registered.');
    await appendAudit(trx, {
      accountId: account.id,
      event: 'security_key_added',
      details: { id, name: input.name },
      at,
    });
    const lockedUntil = await lockWithdrawalsForNewFactor(ctx, trx, account.id);
    await notifyEmail(ctx, trx, account, notices.securityKeyAdded(input.name, now, lockedUntil));
  });
  return { id, name: input.name, createdAt: at };
}

export async function removeSecurityKey(
  ctx: AppContext,
  account: Account,
  id: string,
  stepUp: StepUp,
  origin: RequestOrigin,
): Promise<void> {
  const now = ctx.clock.now();
  await passSecondFactor(
    ctx,
    { account, ...stepUp, code: stepUp.code, purpose: 'factor_change', origin },
    async (trx) => {
      if (!(await deleteSecurityKey(trx, account.id, id))) throw new DomainError('not_found', 'No such security key.');
      await appendAudit(trx, {
        accountId: account.id,
        event: 'security_key_removed',
        details: { id },
        at: now.toISOString(),
      });
      await notifyEmail(ctx, trx, account, notices.securityKeyRemoved(now));
    },
  );
}

/** Options for an assertion: at login (with the login challenge) or as a step-up; the challenge serves only that. */
export async function securityKeyAssertionOptions(
  ctx: AppContext,
  accountId: string,
  purpose: Extract<WebauthnChallengePurpose, 'login' | 'step_up'>,
) {
  const db = ctx.storage.db;
  const keys = await listSecurityKeys(db, accountId);
  if (keys.length === 0) throw new DomainError('method_not_available', 'No security key is registered.');
  const challenge = await newWebauthnChallenge(ctx, db, accountId, purpose);
  return generateAuthenticationOptions({
    rpID: ctx.config.webauthnRpId,
    challenge: Buffer.from(challenge, 'base64url'),
    allowCredentials: keys.map((key) => ({ id: key.credential_id, transports: JSON.parse(key.transports) })),
    userVerification: 'preferred',
  });
}
