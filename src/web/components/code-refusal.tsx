import { useState } from 'react';
import { ApiError } from '../lib/api.ts';
import { formatDateTime } from '../lib/format.ts';
import { attemptsLeftWarning, errorMessage, SIGN_IN_OVER } from '../lib/messages.ts';
import { Notice } from './alerts.tsx';
import { Countdown } from './countdown.tsx';
import { SecondFactorLock } from './second-factor-lock.tsx';

const count = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/** When the second-factor step is locked, per the answer: the refusal that used the budget up, or a 429. */
function lockedUntilOf(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const until = error.problem.lockedUntil;
  if (typeof until !== 'string') return undefined;
  return error.code === 'rate_limited' || count(error.problem.attemptsRemaining) === 0 ? until : undefined;
}

/** True when this sign-in cannot go on: it expired, its wrong codes are used up, or the step is locked. */
export function signInEnded(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  return (
    error.code === 'challenge_expired' ||
    count(error.problem.challengeAttemptsRemaining) === 0 ||
    lockedUntilOf(error) !== undefined
  );
}

interface Props {
  error: unknown;
  onRestart: () => void;
  /** Switches the step to a backup code, when the account has them. */
  onUseBackupCode?: (() => void) | undefined;
}

/**
 * A refused code on the sign-in's second-factor step, with what it means for
 * what comes next (contract v1.1): the tries left before the day's lock (from
 * the third wrong code), the end of this sign-in, the lock with its way out,
 * or — for a code whose time a fast clock burnt — when codes work again.
 */
export function CodeRefusal({ error, onRestart, onUseBackupCode }: Props) {
  if (error === null || error === undefined) return null;
  const lockedUntil = lockedUntilOf(error);
  if (lockedUntil) {
    const challengeLeft = error instanceof ApiError ? count(error.problem.challengeAttemptsRemaining) : undefined;
    return (
      <SecondFactorLock
        lockedUntil={lockedUntil}
        canOpenTicket={challengeLeft !== undefined && challengeLeft > 0}
        onRestart={onRestart}
      />
    );
  }
  if (error instanceof ApiError && error.code === 'code_step_reserved' && typeof error.problem.retryAt === 'string') {
    return <ReservedStep key={error.receivedAt} retryAt={error.problem.retryAt} onUseBackupCode={onUseBackupCode} />;
  }
  const problem = error instanceof ApiError ? error.problem : {};
  const warning = attemptsLeftWarning(error);
  const over = count(problem.challengeAttemptsRemaining) === 0;
  return (
    <div className="alert alert-error" role="alert">
      <p>
        {over && error instanceof ApiError && error.code === 'invalid_code'
          ? 'That code is not right.'
          : errorMessage(error)}
      </p>
      {over ? <p data-testid="sign-in-over">{SIGN_IN_OVER}</p> : null}
      {warning ? (
        <p data-testid="attempts-left">
          <strong>{warning}</strong>
        </p>
      ) : null}
      {over || (error instanceof ApiError && error.code === 'challenge_expired') ? (
        <button type="button" onClick={onRestart}>
          Start again
        </button>
      ) : null}
    </div>
  );
}

/** `code_step_reserved`: the right code, refused and not counted; codes work again at `retryAt`. */
function ReservedStep({ retryAt, onUseBackupCode }: { retryAt: string; onUseBackupCode?: (() => void) | undefined }) {
  const [ready, setReady] = useState(false);
  if (ready) {
    return <Notice tone="ok">Codes work again now: type the new code your authenticator app shows.</Notice>;
  }
  return (
    <div className="alert alert-warn" role="alert" data-testid="code-step-reserved">
      <p>
        That code is right, but its time was already used by the earlier code from your phone's fast clock, so it cannot
        be used. This did not count as a wrong code.
      </p>
      <p>
        Codes work again at {formatDateTime(retryAt)}, in <Countdown until={retryAt} onDone={() => setReady(true)} />.
      </p>
      {onUseBackupCode ? (
        <button type="button" className="secondary" onClick={onUseBackupCode}>
          Use a backup code instead
        </button>
      ) : null}
    </div>
  );
}
