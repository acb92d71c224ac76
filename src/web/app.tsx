import { useCallback, useEffect, useState } from 'react';
import { ErrorAlert } from './components/alerts.tsx';
import { Header } from './components/header.tsx';
import { Page } from './components/page.tsx';
import { signInReturn } from './lib/app-return.ts';
import type { SecurityState } from './lib/client.ts';
import { CONTINUE_PATH } from './lib/continue-link.ts';
import type { LoginNotice } from './lib/login-notice.ts';
import { forgetChallenge } from './lib/recovery-store.ts';
import { forgetReturnPath, takeReturnPath } from './lib/return-to.ts';
import { currentPath, navigate, useHashPath } from './lib/router.ts';
import { useSession } from './lib/session.ts';
import { ContinueRecoveryPage } from './pages/continue-recovery-page.tsx';
import { ForgotPasswordPage } from './pages/forgot-password-page.tsx';
import { LoginPage } from './pages/login-page.tsx';
import { PasswordResetPage } from './pages/password-reset-page.tsx';
import { ReauthenticatePage } from './pages/reauthenticate-page.tsx';
import { RecoveryStartPage } from './pages/recovery-start-page.tsx';
import { RecoveryTicketPage } from './pages/recovery-ticket-page.tsx';
import { SecurityPage } from './pages/security-page.tsx';
import { SignupPage } from './pages/signup-page.tsx';
import { SupportQueuePage } from './pages/support-queue-page.tsx';
import { SupportTicketPage } from './pages/support-ticket-page.tsx';
import { WithdrawalsPage } from './pages/withdrawals-page.tsx';

const PUBLIC = new Set([
  '/login',
  '/signup',
  '/recovery',
  '/recovery/ticket',
  CONTINUE_PATH,
  '/forgot-password',
  '/password-reset',
]);

export function App() {
  const path = useHashPath();
  const { session, reload, signOut } = useSession();
  const [notices, setNotices] = useState<LoginNotice[]>([]);

  const me = session.state === 'signed_in' ? session.me : null;

  // Send people where they can be: signed-out users to the login page,
  // signed-in users away from it.
  useEffect(() => {
    const back = session.state === 'signed_in' ? signInReturn() : null;
    if (back) return window.location.assign(back);
    if (session.state === 'anonymous' && !PUBLIC.has(path)) navigate('/login');
    // Not when a navigation is under way (onSignedIn going back where a session ended).
    const moving = currentPath() !== path;
    if (session.state === 'signed_in' && !moving && (path === '/' || path === '/login' || path === '/signup'))
      navigate('/security');
  }, [session.state, path]);

  const onSignedIn = useCallback(
    async (fresh: LoginNotice[]) => {
      forgetChallenge(); // a finished login's challenge is dead anyway
      setNotices(fresh);
      await reload();
      navigate(takeReturnPath() ?? '/security');
    },
    [reload],
  );

  const onSignOut = useCallback(async () => {
    setNotices([]);
    await signOut();
    forgetReturnPath();
    navigate('/login');
  }, [signOut]);

  return (
    <>
      <Header me={me} path={path} onSignOut={onSignOut} />
      {session.state === 'loading' ? (
        <p className="loading" role="status">
          Loading…
        </p>
      ) : session.state === 'error' ? (
        <Page title="Latchkey is unavailable">
          <ErrorAlert error={session.error} />
          <button type="button" onClick={() => void reload()}>
            Try again
          </button>
        </Page>
      ) : (
        <Route path={path} me={me} reload={reload} notices={notices} onSignedIn={onSignedIn} />
      )}
      <footer className="site-footer">Latchkey · self-hosted two-factor authentication</footer>
    </>
  );
}

interface RouteProps {
  path: string;
  me: SecurityState | null;
  reload: () => Promise<SecurityState | null>;
  notices: LoginNotice[];
  onSignedIn: (notices: LoginNotice[]) => Promise<void>;
}

function Route({ path, me, reload, notices, onSignedIn }: RouteProps) {
  if (path === '/signup') return <SignupPage onSignedIn={onSignedIn} />;
  if (path === '/recovery') return <RecoveryStartPage />;
  if (path === '/forgot-password') return <ForgotPasswordPage />;
  if (path === '/password-reset') return <PasswordResetPage />;
  if (path === '/recovery/ticket') return <RecoveryTicketPage onSignedIn={onSignedIn} />;
  if (path === CONTINUE_PATH) return <ContinueRecoveryPage />;
  if (!me) return <LoginPage onSignedIn={onSignedIn} />;

  if (path === '/withdrawals') return <WithdrawalsPage me={me} reload={reload} />;
  if (path === '/reauthenticate') return <ReauthenticatePage me={me} />;
  if (path === '/support') return me.role === 'support' ? <SupportQueuePage /> : <Forbidden />;
  const ticket = /^\/support\/tickets\/([^/]+)$/.exec(path);
  if (ticket?.[1])
    return me.role === 'support' ? (
      <SupportTicketPage ticketId={decodeURIComponent(ticket[1])} agentEmail={me.email} />
    ) : (
      <Forbidden />
    );
  return <SecurityPage me={me} reload={reload} notices={notices} />;
}

function Forbidden() {
  return (
    <Page title="Not available">
      <p>This page is for support agents only.</p>
      <p>
        <a href="#/security">Back to account security</a>
      </p>
    </Page>
  );
}
