import { useCallback, useEffect, useState } from 'react';
import { ErrorAlert } from '../components/alerts.tsx';
import { Page } from '../components/page.tsx';
import { WithdrawalForm } from '../components/withdrawal-form.tsx';
import { WithdrawalList } from '../components/withdrawal-list.tsx';
import { WithdrawalLockPanel } from '../components/withdrawal-lock-panel.tsx';
import { listWithdrawals, type SecurityState, type Withdrawal } from '../lib/client.ts';
import { availableMethods } from '../lib/step-up.ts';
import { useAction } from '../lib/use-action.ts';

export function WithdrawalsPage({ me, reload }: { me: SecurityState; reload: () => Promise<SecurityState | null> }) {
  const [list, setList] = useState<Withdrawal[] | null>(null);
  const { run, error: listError } = useAction();

  const loadList = useCallback(() => run(async () => setList((await listWithdrawals()).withdrawals)), [run]);

  useEffect(() => {
    void loadList();
  }, [loadList]);

  const methods = availableMethods(me, 'withdrawal');
  const lock = me.withdrawalLock;

  return (
    <Page title="Withdrawals">
      {lock.locked ? (
        // While locked, the lock card takes the form's place: nothing to fill in that would be refused.
        <section aria-labelledby="wl-heading" className="card">
          <h2 id="wl-heading">New withdrawal</h2>
          <WithdrawalLockPanel lock={lock} onEnded={() => void reload()} />
          <p className="hint">The withdrawal form comes back when the lock ends.</p>
        </section>
      ) : (
        <section aria-labelledby="wf-heading" className="card">
          <h2 id="wf-heading">New withdrawal</h2>
          {me.twoFactor.enabled ? (
            <WithdrawalForm
              methods={methods}
              onDone={() => {
                void loadList();
                void reload();
              }}
            />
          ) : (
            <p>
              Withdrawals need two-factor authentication. <a href="#/security">Turn it on first</a>.
            </p>
          )}
        </section>
      )}
      <section aria-labelledby="wh-heading" className="card">
        <h2 id="wh-heading">Recent withdrawals</h2>
        <ErrorAlert error={listError} />
        {list ? <WithdrawalList withdrawals={list} /> : listError ? null : <p role="status">Loading…</p>}
      </section>
    </Page>
  );
}
