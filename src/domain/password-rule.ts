// THE password rule (NIST SP 800-63B-4 §3.1.1.2), for sign-up, password
// change, forgotten-password reset and agent invitations alike; the web loads
// this same module (lazily: the dictionaries are large) to show strength as
// the user types, so the page and the server never disagree.
// - Length: at least 15 characters while the password is the only factor, 8
//   once the account has a second factor; at most 1024. Counted in code points.
// - No composition rules (no "one digit, one symbol").
// - A blocklist, offline: zxcvbn's common-password and word lists
//   (@zxcvbn-ts/language-common: the most common leaked passwords and their
//   variants, keyboard patterns, repeats, sequences, dates) plus the account's
//   own email; a password it scores below PASSWORD_MIN_SCORE is refused, with
//   the reason in words. It judges the first PASSWORD_JUDGED_LENGTH characters:
//   its cost grows fast with length, and a longer password is long enough.
// Pure: the same answer for the same input, no clock, no randomness.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { DomainError } from './errors.ts';
import {
  PASSWORD_JUDGED_LENGTH,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  PASSWORD_MIN_LENGTH_WITH_SECOND_FACTOR,
  PASSWORD_MIN_SCORE,
} from './policy.ts';

export interface PasswordOwner {
  /** The account's (normalised) email: a password built from it is refused. */
  readonly email: string;
  /** Whether the account has a second factor: then 8 characters are enough. */
  readonly hasSecondFactor: boolean;
}

/** 0 (guessed at once) … 4 (very hard), zxcvbn's scale; too short or too long counts as 0. */
export type PasswordScore = 0 | 1 | 2 | 3 | 4;

export type PasswordVerdict =
  | { readonly ok: true; readonly score: PasswordScore }
  | { readonly ok: false; readonly score: PasswordScore; readonly reason: string };

export function minPasswordLength(hasSecondFactor: boolean): number {
  return hasSecondFactor ? PASSWORD_MIN_LENGTH_WITH_SECOND_FACTOR : PASSWORD_MIN_LENGTH;
}

const LONG_AND_EASY = 'A few unrelated words make a long password that is easy to remember.';
const CHOOSE_ANOTHER = `Choose another one. ${LONG_AND_EASY}`;

/** What each zxcvbn warning means, said to the person choosing the password. */
const WHY: Readonly<Record<string, string>> = {
  topTen: 'This is one of the ten most used passwords, so attackers try it first.',
  topHundred: 'This is one of the hundred most used passwords, so attackers try it first.',
  common: 'This is a commonly used password, on the lists attackers try first.',
  pwned: 'This password appeared in a data breach, so attackers try it first.',
  similarToCommon:
    'This is a commonly used password with small changes (a number added, a letter swapped), which attackers try early.',
  straightRow: 'A row of keys on the keyboard (like "qwerty") is easy to guess.',
  keyPattern: 'A short pattern of keys on the keyboard is easy to guess.',
  simpleRepeat: 'Repeated characters (like "aaa") are easy to guess.',
  extendedRepeat: 'Repeated words or patterns (like "abcabc") are easy to guess.',
  sequences: 'Sequences (like "abc" or "6543") are easy to guess.',
  recentYears: 'Recent years are easy to guess.',
  dates: 'Dates are easy to guess.',
  wordByItself: 'A single word is easy to guess, even a long one.',
  namesByThemselves: 'Names on their own are easy to guess.',
  commonNames: 'Common names and surnames are easy to guess.',
  userInputs: 'The password is built from your email address.',
};
const EASY = 'This password is easy to guess.';

let estimator: ZxcvbnFactory | undefined;
function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs, maxLength: PASSWORD_JUDGED_LENGTH });
  return estimator;
}

/** The email and its parts ("alice.smith@example.com" → alice, smith, …): a password made of them is weak. */
function ownerWords(email: string): string[] {
  const [local = '', domain = ''] = email.split('@');
  return [email, local, ...local.split(/[^\p{L}\p{N}]+/u), domain.split('.')[0] ?? ''].filter((w) => w.length >= 3);
}

export function judgePassword(password: string, owner: PasswordOwner): PasswordVerdict {
  const length = [...password].length;
  const min = minPasswordLength(owner.hasSecondFactor);
  if (length < min) {
    const withFactor = owner.hasSecondFactor
      ? ''
      : ` (${PASSWORD_MIN_LENGTH_WITH_SECOND_FACTOR} are enough once two-factor authentication is on)`;
    return {
      ok: false,
      score: 0,
      reason: `Use at least ${min} characters${withFactor}; this one has ${length}. ${LONG_AND_EASY}`,
    };
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return { ok: false, score: 0, reason: `Use at most ${PASSWORD_MAX_LENGTH} characters.` };
  }
  const result = zxcvbn().check(password, ownerWords(owner.email.toLowerCase()));
  const score = result.score as PasswordScore;
  if (score >= PASSWORD_MIN_SCORE) return { ok: true, score };
  const warning = result.feedback.warning;
  return { ok: false, score, reason: `${(warning && WHY[warning]) || EASY} ${CHOOSE_ANOTHER}` };
}

/** Refuses a password the rule does not accept: 400 `weak_password`, the reason as `detail`. */
export function checkPasswordStrength(password: string, owner: PasswordOwner): void {
  const verdict = judgePassword(password, owner);
  if (!verdict.ok) throw new DomainError('weak_password', verdict.reason);
}
