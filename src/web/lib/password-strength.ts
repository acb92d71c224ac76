// Password strength as the user types, judged by the server's own rule
// (src/domain/password-rule.ts): the same module, loaded only when a password
// field appears, because its dictionaries are large (a chunk of their own).
import { useEffect, useState } from 'react';
import type { PasswordOwner, PasswordVerdict } from '../../domain/password-rule.ts';

type Rule = typeof import('../../domain/password-rule.ts');
let loading: Promise<Rule> | undefined;
const loadRule = (): Promise<Rule> => {
  loading ??= import('../../domain/password-rule.ts');
  return loading;
};

/** The verdict on `password` for this owner; null while the rule loads or the field is empty. */
export function usePasswordVerdict(password: string, owner: PasswordOwner): PasswordVerdict | null {
  const [verdict, setVerdict] = useState<PasswordVerdict | null>(null);
  const { email, hasSecondFactor } = owner;
  useEffect(() => {
    let current = true;
    if (password === '') {
      setVerdict(null);
      return;
    }
    // A short pause: judge what was typed, not every keystroke.
    const timer = window.setTimeout(() => {
      void loadRule().then((rule) => {
        if (current) setVerdict(rule.judgePassword(password, { email, hasSecondFactor }));
      });
    }, 150);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [password, email, hasSecondFactor]);
  return verdict;
}

export const STRENGTH_WORDS = ['Too easy to guess', 'Weak', 'Fair', 'Strong', 'Very strong'] as const;
