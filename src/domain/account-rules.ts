// Email and password rules for accounts.
import { DomainError } from './errors.ts';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './policy.ts';

export const ACCOUNT_ROLES = ['user', 'support'] as const;

/** Emails are compared case-insensitively after Unicode normalisation and trimming. */
export function normalizeEmail(input: string): string {
  const email = input.normalize('NFKC').trim().toLowerCase();
  if (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw new DomainError('invalid_request', 'The email address is not valid.');
  }
  return email;
}

/** NIST SP 800-63B-4 §3.1.1.2: length is what matters; no composition rules. */
export function checkPasswordStrength(password: string, email: string): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) {
    throw new DomainError(
      'weak_password',
      `The password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters long.`,
    );
  }
  if (password.toLowerCase() === email || new Set(password).size < 3) {
    throw new DomainError('weak_password', 'The password is too easy to guess.');
  }
}
