import type { SecurityState } from '../lib/client.ts';
import { formatDateTime, LOCK_REASON } from '../lib/format.ts';
import { Countdown } from './countdown.tsx';

/** The withdrawal lock with a live countdown (the safety lock after a 2FA change). */
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
  const why = lock.reason ? LOCK_REASON[lock.reason] : null;
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
