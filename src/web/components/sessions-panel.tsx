import { useCallback, useEffect, useState } from 'react';
import { listMySessions, type MySession, signOutMyOtherSessions, signOutMySession } from '../lib/client.ts';
import { formatDateTime } from '../lib/format.ts';
import { useAction } from '../lib/use-action.ts';
import { ErrorAlert, Notice } from './alerts.tsx';

/** The account's signed-in browsers: sign one out, or every one but this. */
export function SessionsPanel() {
  const [sessions, setSessions] = useState<MySession[] | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const { run, running, error } = useAction<string>();

  const load = useCallback(async () => setSessions((await listMySessions()).sessions), []);
  useEffect(() => {
    void run(load, 'load');
  }, [run, load]);

  function signOut(session: MySession) {
    setDone(null);
    return run(async () => {
      await signOutMySession(session.sessionId);
      setDone(`Signed out ${session.browser}.`);
      await load();
    }, session.sessionId);
  }

  function signOutOthers() {
    setDone(null);
    return run(async () => {
      const { revoked } = await signOutMyOtherSessions();
      setDone(revoked === 1 ? 'Signed out 1 other session.' : `Signed out ${revoked} other sessions.`);
      await load();
    }, 'others');
  }

  const others = sessions?.filter((s) => !s.current).length ?? 0;
  return (
    <section aria-labelledby="sessions-heading" className="card">
      <h2 id="sessions-heading">Active sessions</h2>
      <p>Where your account is signed in now. Sign out anything you don't recognise, then change your password.</p>
      <div aria-live="polite">{done ? <Notice tone="ok">{done}</Notice> : null}</div>
      <ErrorAlert error={error} />
      {sessions === null ? (
        <p>{running === 'load' ? 'Loading sessions…' : null}</p>
      ) : (
        <ul className="plain item-list" data-testid="sessions">
          {sessions.map((s) => (
            <li key={s.sessionId}>
              <span>
                <strong>{s.browser}</strong>
                {s.current ? <span className="badge badge-on">This browser</span> : null}
                <br />
                <small>
                  {s.ip ?? 'address unknown'} · signed in {formatDateTime(s.createdAt)} · last used{' '}
                  {formatDateTime(s.lastUsedAt)}
                </small>
              </span>
              {s.current ? null : (
                <button type="button" className="secondary" disabled={running !== null} onClick={() => void signOut(s)}>
                  {running === s.sessionId ? 'Signing out…' : 'Sign out'}
                  <span className="visually-hidden">
                    {' '}
                    {s.browser}, signed in {formatDateTime(s.createdAt)}
                  </span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {sessions !== null ? (
        <p className="actions">
          <button type="button" disabled={others === 0 || running !== null} onClick={() => void signOutOthers()}>
            {running === 'others' ? 'Signing out…' : 'Sign out everywhere else'}
          </button>
        </p>
      ) : null}
    </section>
  );
}
