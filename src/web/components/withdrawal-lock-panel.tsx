import { formatDateTime } from '../lib/format.ts';
import type { SecurityState } from '../lib/types.ts';
import { Countdown } from './countdown.tsx';

const REASON: Record<string, string> = {
  two_factor_reset: 'two-factor authentication was reset',
  two_factor_rebound: 'a new authenticator was bound',
  recovery: 'the account was recovered through support',
  recovery_approved: 'the account was recovered through support',
};

/** The withdrawal lock with a live countdown (the 24-hour safety lock). */
export function WithdrawalLockPanel({
  lock,
  onEnded,
}: {
  lock: SecurityState['withdrawalLock'];
  onEnded?: () => void;
}) {
  if (!lock.locked || !lock.until) {
    return <p data-testid="withdrawal-lock">Withdrawals are not locked.</p>;
  }
  const why = lock.reason ? (REASON[lock.reason] ?? lock.reason.replace(/_/g, ' ')) : null;
  return (
    <div className="lock" data-testid="withdrawal-lock">
      <p>
        <strong>Withdrawals are locked</strong>
        {why ? ` because ${why}` : ''}. This protects you if someone else changed your security settings.
      </p>
      <p className="lock-time">
        Time left: <Countdown until={lock.until} onDone={onEnded} />
        <span className="lock-until"> (until {formatDateTime(lock.until)})</span>
      </p>
    </div>
  );
}
