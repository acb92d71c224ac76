import { useState } from 'react';
import { formatDateTime } from '../lib/format.ts';
import { LOCK_CAUSE } from '../lib/messages.ts';
import { Countdown } from './countdown.tsx';

interface Props {
  lockedUntil: string;
  /** True when this browser holds a challenge that can still open a recovery ticket. */
  canOpenTicket: boolean;
  onRestart: () => void;
  /** On a page of its own, whose heading already says it is locked. */
  titled?: boolean;
}

/**
 * The second-factor step is locked (too many wrong codes in a day): its cause,
 * its end with a countdown, and the way out that stays open during the lock —
 * a recovery ticket, reviewed by a person (issue 14, #3).
 */
export function SecondFactorLock({ lockedUntil, canOpenTicket, onRestart, titled = false }: Props) {
  const [ended, setEnded] = useState(false);
  return (
    <div className="alert alert-error" role="alert" data-testid="second-factor-locked">
      <p>
        {titled ? null : <strong>Two-factor sign-in is locked. </strong>}
        {LOCK_CAUSE}
      </p>
      {ended ? (
        <p>
          The lock has ended.{' '}
          <button type="button" onClick={onRestart}>
            Sign in again
          </button>
        </p>
      ) : (
        <p>
          It unlocks at <strong>{formatDateTime(lockedUntil)}</strong>, in{' '}
          <Countdown until={lockedUntil} onDone={() => setEnded(true)} />.
        </p>
      )}
      <p>If those codes were not yours, someone else knows your password.</p>
      {canOpenTicket ? (
        <p>
          Lost your phone or your backup codes?{' '}
          <a href="#/recovery">Security verification unavailable? Open a recovery ticket</a> — support checks who you
          are; the lock does not stop that.
        </p>
      ) : (
        <p>
          Lost your phone or your backup codes? Sign in again with your email and password: you can open a recovery
          ticket from there, even while the lock lasts.{' '}
          <button type="button" className="secondary" onClick={onRestart}>
            Start again
          </button>
        </p>
      )}
    </div>
  );
}
