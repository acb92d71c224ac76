import { useState } from 'react';
import { BACKUP_CODES_PER_SET } from '../../domain/policy.ts';
import { ApiError } from '../lib/api.ts';
import {
  type BackupCodesIssued,
  confirmRecoveryBinding,
  type PendingBinding,
  startRecoveryBinding,
  type TicketAccess,
} from '../lib/client.ts';
import { useAction } from '../lib/use-action.ts';
import { ErrorAlert, Notice } from './alerts.tsx';
import { BindAuthenticator } from './bind-authenticator.tsx';
import { SaveCodesStep } from './save-codes-step.tsx';

type Flow = { step: 'start' } | { step: 'bind'; setup: PendingBinding } | { step: 'codes'; answer: BackupCodesIssued };

interface Props {
  ticket: TicketAccess;
  /** The confirm signed this browser in (session cookies): go on to the security page. */
  onFinished: () => Promise<void>;
}

/**
 * After an approved recovery the account has no factors, and a password-only
 * session may not bind one (someone else with the password could): the new
 * authenticator is bound here, with the ticket's own token. Confirming signs
 * this browser in; then the usual save-your-codes step.
 */
export function RecoveryBinding({ ticket, onFinished }: Props) {
  const [flow, setFlow] = useState<Flow>({ step: 'start' });
  const [alreadyBound, setAlreadyBound] = useState(false);
  const { run, busy, error } = useAction();

  function start() {
    return run(async () => {
      try {
        setFlow({ step: 'bind', setup: await startRecoveryBinding(ticket) });
      } catch (err) {
        // 409 invalid_state: nothing waits for a binding any more (it was done already).
        if (err instanceof ApiError && err.code === 'invalid_state') setAlreadyBound(true);
        else throw err;
      }
    });
  }

  if (flow.step === 'bind') {
    return (
      <BindAuthenticator
        setup={flow.setup}
        kind="recovery"
        confirmCode={(setupId, code) => confirmRecoveryBinding(ticket, setupId, code)}
        onConfirmed={(answer) => setFlow({ step: 'codes', answer })}
        onCancel={() => setFlow({ step: 'start' })}
      />
    );
  }

  if (flow.step === 'codes') {
    return <SaveCodesStep answer={flow.answer} onDone={() => void onFinished()} />;
  }

  return (
    <section aria-labelledby="recovery-bind-heading" className="card">
      <h2 id="recovery-bind-heading">Bind your new authenticator</h2>
      {alreadyBound ? (
        <Notice tone="info">
          The new authenticator for this account is already bound. <a href="#/login">Sign in</a> with your password and
          a code from it.
        </Notice>
      ) : (
        <>
          <p>
            Support approved your recovery. To finish it, set up your authenticator app here: you will get{' '}
            {BACKUP_CODES_PER_SET} new backup codes and be signed in.{' '}
            <strong>Withdrawals then stay locked for a safety period</strong>: the security page shows how long.
          </p>
          <p className="hint">
            This can only be done from this page, opened with the ticket in this browser tab: signing in with the
            password alone is not enough.
          </p>
          <ErrorAlert error={error} />
          <button type="button" disabled={busy} onClick={() => void start()}>
            {busy ? 'Preparing…' : 'Set up authenticator app'}
          </button>
        </>
      )}
    </section>
  );
}
