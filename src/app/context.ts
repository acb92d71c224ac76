// What every use case gets: wired once in src/composition.ts (the composition root).
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Hasher } from '../infra/hashing.ts';
import type { Keyring } from '../infra/keyring.ts';
import type { PasswordThrottle } from '../infra/password-throttle.ts';
import type { ResetThrottle } from '../infra/reset-throttle.ts';
import type { SignUpThrottle } from '../infra/signup-throttle.ts';
import type { TokenSource } from '../infra/tokens.ts';
import type { AttemptBudgetStore } from '../storage/attempt-budget.ts';
import type { Storage } from '../storage/database.ts';

export interface AppContext {
  readonly config: Config;
  readonly storage: Storage;
  readonly clock: Clock;
  readonly keyring: Keyring;
  readonly budget: AttemptBudgetStore;
  readonly passwordThrottle: PasswordThrottle;
  readonly signUpThrottle: SignUpThrottle;
  /** Forgotten-password requests, per address and per IP. */
  readonly resetThrottle: ResetThrottle;
  readonly logger: Logger;
  /** argon2id for passwords and backup codes (cheap parameters in in-process tests). */
  readonly hasher: Hasher;
  /** Random tokens, row ids and salts. */
  readonly tokens: TokenSource;
  /** Outside services besides the database that readiness checks, by name (Redis when configured). */
  readonly probes?: Readonly<Record<string, () => Promise<unknown>>>;
  /** CSPRNG integer in [0, max): crypto.randomInt, injectable for tests. */
  readonly randomInt: (maxExclusive: number) => number;
  readonly randomBytes: (size: number) => Buffer;
}

/** Where the request came from: recorded in login history and audit entries. */
export interface RequestOrigin {
  readonly ip: string | null;
  readonly userAgent: string | null;
  /** The browser's device cookie (sign-up and sign-in only): whether the account has seen this browser before. */
  readonly browserToken?: string;
}
