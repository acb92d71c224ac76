// Backup codes as the guide describes them: eight one-time 6-digit codes.
import { DomainError } from './errors.ts';
import { BACKUP_CODE_DIGITS, BACKUP_CODES_LOW_AT, BACKUP_CODES_PER_SET } from './policy.ts';

/** The shortest password that may encrypt the ZIP of backup codes, in code points (issue 4, point 7). */
export const MIN_ZIP_PASSWORD_LENGTH = 12;

/**
 * Eight distinct codes, uniform over 000000–999999. `randomInt(n)` must be a
 * CSPRNG integer in [0, n) (crypto.randomInt in production).
 */
export function generateBackupCodes(randomInt: (maxExclusive: number) => number): string[] {
  const codes = new Set<string>();
  while (codes.size < BACKUP_CODES_PER_SET) {
    codes.add(String(randomInt(10 ** BACKUP_CODE_DIGITS)).padStart(BACKUP_CODE_DIGITS, '0'));
  }
  return [...codes];
}

/** Codes may be typed with spaces or dashes ("123 456", "123-456"). */
export function normalizeCode(input: string, digits = BACKUP_CODE_DIGITS): string {
  const stripped = input.replace(/[\s-]/g, '');
  if (!new RegExp(`^\\d{${digits}}$`).test(stripped)) {
    throw new DomainError('invalid_code', `The code must be ${digits} digits.`);
  }
  return stripped;
}

export type BackupCodeWarning =
  | { readonly code: 'backup_codes_low'; readonly remaining: number }
  | { readonly code: 'backup_codes_exhausted' };

/** True when the owner should get a new set (few codes or none left). */
export function backupCodesLow(remaining: number): boolean {
  return remaining <= BACKUP_CODES_LOW_AT;
}

export function backupCodeWarnings(remaining: number): BackupCodeWarning[] {
  if (remaining === 0) return [{ code: 'backup_codes_exhausted' }];
  if (backupCodesLow(remaining)) return [{ code: 'backup_codes_low', remaining }];
  return [];
}
