import type { ReactNode } from 'react';
import { errorMessage } from '../lib/messages.ts';

/** An error the user must see: announced at once (role=alert). */
export function ErrorAlert({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  return (
    <div className="alert alert-error" role="alert">
      {errorMessage(error)}
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
