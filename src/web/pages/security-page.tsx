import { useState } from 'react';
import { BACKUP_CODES_PER_SET } from '../../domain/policy.ts';
import { AccountActivity } from '../components/account-activity.tsx';
import { ErrorAlert, Notice } from '../components/alerts.tsx';
import { BindAuthenticator } from '../components/bind-authenticator.tsx';
import { BindForAppNotice } from '../components/bind-for-app-notice.tsx';
import { ChangePasswordPanel } from '../components/change-password-panel.tsx';
import { FreezeAccountPanel } from '../components/freeze-account-panel.tsx';
import { Page } from '../components/page.tsx';
import { PhonePanel } from '../components/phone-panel.tsx';
import { RecoveryPanel } from '../components/recovery-panel.tsx';
import { ResetTwoFactorForm } from '../components/reset-two-factor-form.tsx';
import { SaveCodesStep } from '../components/save-codes-step.tsx';
import { SecurityKeysPanel } from '../components/security-keys-panel.tsx';
import { TwoFactorStatus } from '../components/two-factor-status.tsx';
import { WithdrawalLockPanel } from '../components/withdrawal-lock-panel.tsx';
import { returnAfterBinding } from '../lib/app-return.ts';
import { type BackupCodesIssued, type PendingBinding, type SecurityState, startTotpSetup } from '../lib/client.ts';
import type { LoginNotice } from '../lib/login-notice.ts';
import { availableMethods } from '../lib/step-up.ts';
import { useAction } from '../lib/use-action.ts';

type Flow =
  | { step: 'overview' }
  | { step: 'bind'; setup: PendingBinding; isReset: boolean; hadExtras: boolean }
  | { step: 'codes'; answer: BackupCodesIssued; isReset: boolean; hadExtras: boolean };

interface Props {
  me: SecurityState;
  reload: () => Promise<SecurityState | null>;
  notices: LoginNotice[];
}

export function SecurityPage({ me, reload, notices }: Props) {
  const [flow, setFlow] = useState<Flow>({ step: 'overview' });
  const { run, busy, error } = useAction();
  const [done, setDone] = useState<string | null>(null);

  function startBinding() {
    return run(async () => setFlow({ step: 'bind', setup: await startTotpSetup(), isReset: false, hadExtras: false }));
  }

  if (flow.step === 'bind') {
    return (
      <Page title="Account security">
        <BindAuthenticator
          setup={flow.setup}
          kind={flow.isReset ? 'reset' : 'enroll'}
          onConfirmed={(answer) => setFlow({ step: 'codes', answer, isReset: flow.isReset, hadExtras: flow.hadExtras })}
          onCancel={() => setFlow({ step: 'overview' })}
        />
      </Page>
    );
  }

  if (flow.step === 'codes') {
    return (
      <Page title="Account security">
        <SaveCodesStep
          answer={flow.answer}
          onDone={async () => {
            // Load the new state first, so the overview never shows the old one.
            await reload();
            if (returnAfterBinding()) return; // an app asked for 2FA: back to it
            setDone(
              flow.isReset
                ? `Your new authenticator is bound and your new backup codes are active. The old ones no longer work.${
                    flow.hadExtras ? ' Your security keys and phone were removed: add them again below.' : ''
                  }`
                : 'Two-factor authentication is on. Any other sessions of this account were signed out.',
            );
            setFlow({ step: 'overview' });
            // The Continue button is gone: start again from the top of the screen.
            requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1')?.focus());
          }}
        />
      </Page>
    );
  }

  const tf = me.twoFactor;
  return (
    <Page title="Account security">
      <div aria-live="polite">
        {notices.map((n) => (
          <Notice key={n.text} tone={n.tone}>
            {n.text}
            {n.offerReset && tf.enabled ? (
              <>
                {' '}
                <button
                  type="button"
                  className="link-button"
                  onClick={() => document.getElementById('reset-password')?.focus()}
                >
                  Go to Reset 2FA
                </button>
              </>
            ) : null}
          </Notice>
        ))}
        {done ? <Notice tone="ok">{done}</Notice> : null}
        <BindForAppNotice enabled={tf.enabled} />
      </div>
      <p className="signed-in-as">
        Signed in as <strong>{me.email}</strong>
      </p>

      <section aria-labelledby="tf-heading" className="card">
        <h2 id="tf-heading">Two-factor authentication</h2>
        <TwoFactorStatus twoFactor={tf} />
        <ErrorAlert error={error} />
        {!tf.enabled ? (
          <button type="button" disabled={busy} onClick={() => void startBinding()}>
            Set up authenticator app
          </button>
        ) : null}
      </section>

      <section aria-labelledby="lock-heading" className="card">
        <h2 id="lock-heading">Withdrawals</h2>
        <WithdrawalLockPanel lock={me.withdrawalLock} onEnded={() => void reload()} />
      </section>

      <RecoveryPanel recovery={me.recovery} />

      <ChangePasswordPanel me={me} onChanged={reload} />
      <AccountActivity />

      {tf.enabled ? (
        <>
          <SecurityKeysPanel
            keys={tf.securityKeys ?? []}
            methods={availableMethods(me, 'factor_change')}
            onChanged={reload}
          />
          <PhonePanel sms={tf.sms ?? null} methods={availableMethods(me, 'factor_change')} onChanged={reload} />
        </>
      ) : null}

      {tf.enabled ? (
        <section aria-labelledby="reset-heading" className="card">
          <h2 id="reset-heading">Reset two-factor authentication</h2>
          <p>Use this to move to a new phone or to get a fresh set of {BACKUP_CODES_PER_SET} backup codes.</p>
          <ResetTwoFactorForm
            methods={availableMethods(me, 'reset')}
            lockHours={me.policy.withdrawalLockHours.two_factor_reset ?? 0}
            onSetup={(setup) =>
              setFlow({
                step: 'bind',
                setup,
                isReset: true,
                hadExtras: (tf.securityKeys?.length ?? 0) > 0 || Boolean(tf.sms),
              })
            }
          />
        </section>
      ) : null}

      <FreezeAccountPanel />
    </Page>
  );
}
