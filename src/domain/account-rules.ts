// Email rules and roles for accounts (the password rule: password-rule.ts).
import { DomainError } from './errors.ts';

export const ACCOUNT_ROLES = ['user', 'support'] as const;

/** Emails are compared case-insensitively after Unicode normalisation and trimming. */
export function normalizeEmail(input: string): string {
  const email = input.normalize('NFKC').trim().toLowerCase();
  if (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw new DomainError('invalid_request', 'The email address is not valid.');
  }
  return email;
}
