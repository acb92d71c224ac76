// Binding an authenticator app: a pending binding with a fresh 160-bit secret,
// shown as a QR code and a setup key, that does nothing until confirmed.
import QRCode from 'qrcode';
import type { Account } from '../domain/account.ts';
import { DomainError } from '../domain/errors.ts';
import { AUTHENTICATOR_SETUP_TTL_MS } from '../domain/policy.ts';
import { awaitsRecoveryBinding, recoveryBindingRequired } from '../domain/recovery-binding.ts';
import { secretToBase32, TOTP_SECRET_BYTES, totpKeyUri } from '../domain/totp.ts';
import type { Executor } from '../storage/executor.ts';
import { findActiveTotpBinding, insertTotpBinding, retireTotpBindings } from '../storage/totp-repository.ts';
import type { AppContext } from './context.ts';
import { encryptTotpSecret } from './totp-secrets.ts';

export interface PendingBinding {
  readonly setupId: string;
  readonly secret: string;
  readonly otpauthUri: string;
  readonly qrSvg: string;
  readonly expiresAt: Date;
}

/** Opens a pending binding; an older pending one of the account is dropped. */
export async function openPendingBinding(
  ctx: AppContext,
  db: Executor,
  account: Account,
  purpose: 'enroll' | 'reset',
): Promise<PendingBinding> {
  const now = ctx.clock.now();
  const secret = ctx.randomBytes(TOTP_SECRET_BYTES);
  const setupId = ctx.tokens.newId();
  const expiresAt = new Date(now.getTime() + AUTHENTICATOR_SETUP_TTL_MS);
  await retireTotpBindings(db, account.id, now.toISOString(), ['pending']);
  await insertTotpBinding(db, {
    id: setupId,
    account_id: account.id,
    secret_enc: encryptTotpSecret(ctx.keyring, setupId, secret),
    status: 'pending',
    purpose,
    created_at: now.toISOString(),
    expires_at: expiresAt.toISOString(),
    confirmed_at: null,
    retired_at: null,
    last_step: null,
    drift_steps: 0,
    burnt_step: null,
  });
  const secretBase32 = secretToBase32(secret);
  const otpauthUri = totpKeyUri({ issuer: ctx.config.issuer, accountName: account.email, secretBase32 });
  const qrSvg = await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
  return { setupId, secret: secretBase32, otpauthUri, qrSvg, expiresAt };
}

export async function beginAuthenticatorSetup(ctx: AppContext, account: Account): Promise<PendingBinding> {
  const db = ctx.storage.db;
  if (awaitsRecoveryBinding(account.pendingRecoveryLock)) throw recoveryBindingRequired();
  if (await findActiveTotpBinding(db, account.id)) {
    throw new DomainError(
      'two_factor_already_enabled',
      'Two-factor authentication is already on. Reset 2FA to bind another authenticator.',
    );
  }
  return db.transaction().execute((trx) => openPendingBinding(ctx, trx, account, 'enroll'));
}
