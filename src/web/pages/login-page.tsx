import { useState } from 'react';
import { Page } from '../components/page.tsx';
import { PasswordForm } from '../components/password-form.tsx';
import { SecondFactorLock } from '../components/second-factor-lock.tsx';
import type { SecondFactorMethod } from '../lib/client.ts';
import type { LoginNotice } from '../lib/login-notice.ts';
import { rememberChallenge } from '../lib/recovery-store.ts';
import { SecondFactorStep } from './second-factor-step.tsx';

interface Challenge {
  challenge: string;
  methods: SecondFactorMethod[];
  email: string;
  backupCodesRemaining: number | undefined;
}

/** Email and password first, then the second factor when the account has one. */
export function LoginPage({ onSignedIn }: { onSignedIn: (notices: LoginNotice[]) => Promise<void> }) {
  const [challenge, setChallenge] = useState<Challenge | null>(null);
  const [lockedUntil, setLockedUntil] = useState<string | null>(null);

  if (lockedUntil) {
    return (
      <Page title="Two-factor sign-in is locked">
        <SecondFactorLock lockedUntil={lockedUntil} canOpenTicket titled onRestart={() => setLockedUntil(null)} />
      </Page>
    );
  }

  if (challenge) {
    return (
      <Page title="Security verification">
        <SecondFactorStep
          challenge={challenge.challenge}
          methods={challenge.methods}
          email={challenge.email}
          backupCodesRemaining={challenge.backupCodesRemaining}
          onSignedIn={onSignedIn}
          onRestart={() => setChallenge(null)}
        />
      </Page>
    );
  }

  return (
    <Page title="Sign in">
      <PasswordForm
        onAuthenticated={() => onSignedIn([])}
        onSecondFactor={(c) => {
          rememberChallenge(c.challenge, c.email);
          setChallenge(c);
        }}
        onSecondFactorLocked={(lock) => setLockedUntil(lock.lockedUntil)}
      />
      <p>
        <a href="#/forgot-password">Forgot password?</a>
      </p>
      <p>
        New to Latchkey? <a href="#/signup">Create an account</a>
      </p>
    </Page>
  );
}
