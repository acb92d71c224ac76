import { useEffect, useState } from 'react';
import { type ActivityEvent, getMyActivity } from '../lib/client.ts';
import { formatDateTime, SIGN_IN_FACTOR, SIGN_IN_RESULT } from '../lib/format.ts';
import { useAction } from '../lib/use-action.ts';
import { ErrorAlert } from './alerts.tsx';

/** The account's recent sign-ins, newest first: every step, failed ones included. */
export function ActivityPanel() {
  const [events, setEvents] = useState<ActivityEvent[] | null>(null);
  const { run, busy, error } = useAction();

  useEffect(() => {
    void run(async () => setEvents((await getMyActivity()).events));
  }, [run]);

  return (
    <section aria-labelledby="activity-heading" className="card">
      <h2 id="activity-heading">Recent sign-ins</h2>
      <ErrorAlert error={error} />
      {events === null ? (
        <p>{busy ? 'Loading sign-ins…' : null}</p>
      ) : events.length === 0 ? (
        <p>No sign-ins recorded.</p>
      ) : (
        <ul className="plain item-list" data-testid="activity">
          {events.map((e, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: events have no id and the list is replaced whole
            <li key={i}>
              <span>
                <strong>{SIGN_IN_RESULT[e.result]}</strong>
                {e.factor ? ` · ${SIGN_IN_FACTOR[e.factor]}` : null}
                <br />
                <small>
                  <time dateTime={e.at}>{formatDateTime(e.at)}</time> · {e.browser} · {e.ip ?? 'address unknown'}
                </small>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
