// Who is signed in, as the server sees it (the account's security state).
import { useCallback, useEffect, useState } from 'react';
import { ApiError, SESSION_ENDED } from './api.ts';
import { signOut as endSession, getSecurity, type SecurityState } from './client.ts';

type Session =
  | { state: 'loading' }
  | { state: 'anonymous' }
  | { state: 'error'; error: unknown }
  | { state: 'signed_in'; me: SecurityState };

export function useSession(): {
  session: Session;
  reload: () => Promise<SecurityState | null>;
  signOut: () => Promise<void>;
} {
  const [session, setSession] = useState<Session>({ state: 'loading' });

  const reload = useCallback(async () => {
    try {
      const me = await getSecurity();
      setSession({ state: 'signed_in', me });
      return me;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setSession({ state: 'anonymous' });
      else setSession({ state: 'error', error: err });
      return null;
    }
  }, []);

  const signOut = useCallback(async () => {
    try {
      await endSession();
    } catch {
      // Already gone (401) or unreachable: forget it on this side anyway.
    }
    setSession({ state: 'anonymous' });
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  useEffect(() => {
    const ended = () => setSession((s) => (s.state === 'signed_in' ? { state: 'anonymous' } : s));
    window.addEventListener(SESSION_ENDED, ended);
    return () => window.removeEventListener(SESSION_ENDED, ended);
  }, []);

  return { session, reload, signOut };
}
