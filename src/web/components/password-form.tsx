import { type FormEvent, useState } from 'react';
import { ApiError } from '../lib/api.ts';
import { type SecondFactorMethod, startLogin } from '../lib/client.ts';
import { loadChallenge, loadTicket, rememberChallenge } from '../lib/recovery-store.ts';
import { useAction } from '../lib/use-action.ts';
import { ErrorAlert } from './alerts.tsx';
import { Field } from './field.tsx';

interface Props {
  onAuthenticated: () => void;
  onSecondFactor: (c: {
    challenge: string;
    methods: SecondFactorMethod[];
    email: string;
    backupCodesRemaining: number | undefined;
  }) => void;
  /** The right password, but the second-factor step is locked: the answer's end of the lock. */
  onSecondFactorLocked?: (lock: { lockedUntil: string; email: string }) => void;
}

/** The password step of the login. */
export function PasswordForm({ onAuthenticated, onSecondFactor, onSecondFactorLocked }: Props) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { run, busy, error } = useAction();

  function submit(e: FormEvent) {
    e.preventDefault();
    void run(async () => {
      try {
        const answer = await startLogin({ email, password });
        if (answer.status === 'authenticated') onAuthenticated();
        else
          onSecondFactor({
            challenge: answer.challenge,
            methods: answer.methods,
            email,
            backupCodesRemaining: answer.backupCodesRemaining,
          });
      } catch (err) {
        // A claimant who lost the approved ticket's tab may open a new ticket with
        // the login challenge that comes with this refusal, when the server sends one.
        // Frozen by its owner: the challenge opens the recovery ticket that unfreezes it.
        if (err instanceof ApiError && (err.code === 'recovery_binding_required' || err.code === 'account_frozen')) {
          const challenge = err.problem.challenge;
          const frozen = err.code === 'account_frozen' && err.problem.reason === 'owner';
          if (typeof challenge === 'string' && challenge) rememberChallenge(challenge, email, frozen);
        }
        // Locked second-factor step: the refusal carries a recovery-only challenge,
        // so a ticket can still be opened (the lock page says why and until when).
        const lock = lockedAnswer(err);
        if (lock && onSecondFactorLocked) {
          rememberChallenge(lock.challenge, email);
          onSecondFactorLocked({ lockedUntil: lock.lockedUntil, email });
          return;
        }
        throw err;
      }
    });
  }

  return (
    <form onSubmit={submit} noValidate={false}>
      {error instanceof ApiError && error.code === 'recovery_binding_required' ? (
        <RecoveryBindingAlert canReopen={typeof error.problem.challenge === 'string'} />
      ) : (
        <ErrorAlert error={error} />
      )}
      {error instanceof ApiError && error.code === 'account_frozen' && error.problem.reason === 'owner' ? (
        <p data-testid="frozen-way-out">
          <a href="#/recovery">Open a recovery ticket</a> to unfreeze your account: support checks who you are.
        </p>
      ) : null}
      <Field
        label="Email"
        type="email"
        name="email"
        autoComplete="username"
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
      />
      <Field
        label="Password"
        type="password"
        name="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <button type="submit" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}

/** A 429 to the right password while the second-factor step is locked (it comes with a recovery-only challenge). */
function lockedAnswer(err: unknown): { challenge: string; lockedUntil: string } | null {
  if (!(err instanceof ApiError) || err.code !== 'rate_limited') return null;
  const { challenge, challengePurpose, lockedUntil } = err.problem;
  return typeof challenge === 'string' && challengePurpose === 'recovery' && typeof lockedUntil === 'string'
    ? { challenge, lockedUntil }
    : null;
}

/** The password was right, but an approved recovery is waiting for its new
 * authenticator: that is bound from the ticket page, never after a password alone. */
function RecoveryBindingAlert({ canReopen }: { canReopen: boolean }) {
  const stored = loadTicket();
  return (
    <div className="alert alert-error" role="alert" data-testid="recovery-binding-required">
      <p>Your account recovery was approved, but it is not finished yet: bind your new authenticator first.</p>
      {stored ? (
        <p>
          <a href="#/recovery/ticket">Go to your recovery ticket</a> to set up your authenticator app.
        </p>
      ) : (
        <>
          <p>
            This is done from the recovery ticket page: open it with the link in the approval email (it asks for your
            password again). Signing in with the password alone cannot finish it, so that nobody else who knows your
            password can.
          </p>
          {canReopen && loadChallenge() ? (
            <p>
              No longer have that tab? <a href="#/recovery">Open a new recovery ticket</a>: support will verify you
              again.
            </p>
          ) : null}
        </>
      )}
    </div>
  );
}
