import type { ReactNode } from 'react';
import { attemptsLeftWarning, errorMessage } from '../lib/messages.ts';

/** An error the user must see: announced at once (role=alert). A refused code
 * (a step-up anywhere) also says how close the day's lock is, when it is near. */
export function ErrorAlert({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  const warning = attemptsLeftWarning(error);
  return (
    <div className="alert alert-error" role="alert">
      {warning ? (
        <>
          <p>{errorMessage(error)}</p>
          <p data-testid="attempts-left">
            <strong>{warning}</strong>
          </p>
        </>
      ) : (
        errorMessage(error)
      )}
    </div>
  );
}

/** A polite notice (role=status), e.g. warnings after a login. */
export function Notice({ tone = 'info', children }: { tone?: 'info' | 'warn' | 'ok'; children: ReactNode }) {
  return (
    <div className={`alert alert-${tone}`} role="status">
      {children}
    </div>
  );
}
