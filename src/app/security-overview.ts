// GET /v1/me/security: the account's 2FA state as the user sees it.

import type { Account } from '../domain/account.ts';
import { BACKUP_CODES_PER_SET } from '../domain/policy.ts';
import { withdrawalLockState } from '../domain/withdrawal-lock.ts';
import { countUnusedBackupCodes, findLiveBackupCodeSet } from '../storage/backup-codes-repository.ts';
import { findPhone } from '../storage/phones-repository.ts';
import { findOpenTicket } from '../storage/recovery-repository.ts';
import { listSecurityKeys } from '../storage/security-keys-repository.ts';
import { findActiveTotpBinding } from '../storage/totp-repository.ts';
import type { AppContext } from './context.ts';
import { publicPolicy } from './public-policy.ts';

export async function securityOverview(ctx: AppContext, account: Account) {
  const db = ctx.storage.db;
  const [binding, set, ticket, keys, phone] = await Promise.all([
    findActiveTotpBinding(db, account.id),
    findLiveBackupCodeSet(db, account.id),
    findOpenTicket(db, account.id),
    listSecurityKeys(db, account.id),
    findPhone(db, account.id),
  ]);
  const remaining = set ? await countUnusedBackupCodes(db, set.id) : 0;
  const lock = withdrawalLockState(account.withdrawalLock, ctx.clock.now());
  return {
    accountId: account.id,
    email: account.email,
    role: account.role,
    twoFactor: {
      enabled: binding !== undefined,
      totp: binding ? { bound: true as const, boundAt: binding.confirmed_at } : { bound: false as const },
      backupCodes: set ? { total: BACKUP_CODES_PER_SET, remaining, setId: set.id, issuedAt: set.issued_at } : null,
      securityKeys: keys.map((key) => ({
        id: key.id,
        name: key.name,
        createdAt: key.created_at,
        lastUsedAt: key.last_used_at,
      })),
      sms: phone ? { phone: phone.phone_masked, verified: phone.verified_at !== null } : null,
    },
    withdrawalLock: lock.locked
      ? { locked: true as const, until: lock.until.toISOString(), reason: lock.reason }
      : { locked: false as const },
    recovery: ticket
      ? { ticketId: ticket.id, status: ticket.status, kind: ticket.kind, reviewDueBy: ticket.review_due_by }
      : null,
    policy: publicPolicy(ctx.config),
  };
}
