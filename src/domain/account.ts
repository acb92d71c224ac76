// An account as the application sees it: what the accounts repository returns
// (docs/adr/0005-storage-access.md), never the table row.
import type { RecoveryLockCause, WithdrawalLockRecord } from './withdrawal-lock.ts';

export type AccountRole = 'user' | 'support';

export interface Account {
  readonly id: string;
  /** Normalised (src/domain/account-rules.ts). */
  readonly email: string;
  /** argon2id PHC string. */
  readonly passwordHash: string;
  readonly role: AccountRole;
  readonly createdAt: Date;
  /** The lock the last rebind left; read through withdrawalLockState. */
  readonly withdrawalLock: WithdrawalLockRecord;
  /** Set by an approved recovery: the lock cause the account's next binding starts. */
  readonly pendingRecoveryLock: RecoveryLockCause | null;
}
