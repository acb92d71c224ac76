import { useEffect } from 'react';
import { formatCountdown } from '../lib/format.ts';
import { useNow } from '../lib/use-now.ts';

/** A live countdown to `until`; calls `onDone` once when it reaches zero. */
export function Countdown({ until, onDone }: { until: string; onDone?: () => void }) {
  const now = useNow(1000);
  const left = new Date(until).getTime() - now;
  const done = left <= 0;
  useEffect(() => {
    if (done) onDone?.();
  }, [done, onDone]);
  return (
    <time className="countdown" dateTime={until} data-testid="countdown">
      {formatCountdown(left)}
    </time>
  );
}
