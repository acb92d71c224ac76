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
import { type MethodPanel, SignInMethods } from '../components/sign-in-methods.tsx';
import { TwoFactorStatus } from '../components/two-factor-status.tsx';
import { WithdrawalLockPanel } from '../components/withdrawal-lock-panel.tsx';
import { ApiError } from '../lib/api.ts';
import { returnAfterBinding } from '../lib/app-return.ts';
import {
  type BackupCodesIssued,
  type PendingBinding,
  revealBackupCodesAgain,
  type SecurityState,
  startTotpSetup,
} from '../lib/client.ts';
import { formatDateTime } from '../lib/format.ts';
import type { LoginNotice } from '../lib/login-notice.ts';
import { forgetPendingCodes, pendingCodes } from '../lib/pending-codes.ts';
import { availableMethods } from '../lib/step-up.ts';
import { useAction } from '../lib/use-action.ts';

type Flow =
  | { step: 'overview' }
  | { step: 'bind'; setup: PendingBinding; isReset: boolean; hadExtras: boolean }
  | { step: 'codes'; answer: BackupCodesIssued; done: string };

interface Props {
  me: SecurityState;
  reload: () => Promise<SecurityState | null>;
  notices: LoginNotice[];
}

/** What the notices are about: once it changes, they are out of date and go. */
const stateKey = (me: SecurityState) => JSON.stringify([me.twoFactor, me.withdrawalLock, me.recovery]);

const focusResetForm = () => requestAnimationFrame(() => document.getElementById('reset-password')?.focus());

export function SecurityPage({ me, reload, notices }: Props) {
  const [flow, setFlow] = useState<Flow>({ step: 'overview' });
  const [open, setOpen] = useState<MethodPanel | null>(null);
  const { run, busy, error } = useAction();
  // One notice area: the sign-in's notices and the last change's, each shown only while the state they describe holds.
  const [signInState] = useState(() => stateKey(me));
  const [done, setDone] = useState<{ text: string; state: string } | null>(null);

  function openPanel(panel: MethodPanel | null) {
    if (panel === 'bind') {
      void run(async () => setFlow({ step: 'bind', setup: await startTotpSetup(), isReset: false, hadExtras: false }));
      return;
    }
    setOpen(panel);
    if (panel === 'reset') focusResetForm();
  }

  function showCodesAgain(revealToken: string) {
    return run(async () => {
      try {
        const answer = await revealBackupCodesAgain(revealToken);
        setFlow({ step: 'codes', answer, done: 'Your backup codes are saved.' });
      } catch (err) {
        if (err instanceof ApiError && err.code === 'reveal_closed') forgetPendingCodes();
        throw err;
      }
    });
  }

  if (flow.step === 'bind') {
    return (
      <Page title="Account security">
        <BindAuthenticator
          setup={flow.setup}
          kind={flow.isReset ? 'reset' : 'enroll'}
          onConfirmed={(answer) => {
            // 2FA is on from now: the page behind the codes step must say so at once.
            void reload();
            setFlow({
              step: 'codes',
              answer,
              done: flow.isReset
                ? `Your new authenticator is bound and your new backup codes are active. The old ones no longer work.${
                    flow.hadExtras ? ' Your security keys and phone were removed: add them again below.' : ''
                  }`
                : 'Two-factor authentication is on. Any other sessions of this account were signed out.',
            });
          }}
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
          email={me.email}
          onDone={async () => {
            // Load the new state first, so the overview never shows the old one.
            const fresh = await reload();
            if (returnAfterBinding()) return; // an app asked for 2FA: back to it
            setDone({ text: flow.done, state: fresh ? stateKey(fresh) : '' });
            setOpen(null);
            setFlow({ step: 'overview' });
            // The Continue button is gone: start again from the top of the screen.
            requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1')?.focus());
          }}
        />
      </Page>
    );
  }

  const tf = me.twoFactor;
  const now = stateKey(me);
  const pending = tf.enabled ? pendingCodes() : null;
  return (
    <Page title="Account security">
      <TwoFactorStatus twoFactor={tf} codesPending={pending !== null} />
      <div aria-live="polite" className="notices">
        {pending ? (
          <Notice tone="warn">
            Your new backup codes are not saved yet. You can see them again until{' '}
            {formatDateTime(pending.revealExpiresAt)}.{' '}
            <button
              type="button"
              className="link-button"
              disabled={busy}
              onClick={() => void showCodesAgain(pending.revealToken)}
            >
              Show them again
            </button>
          </Notice>
        ) : null}
        {now === signInState
          ? notices.map((n) => (
              <Notice key={n.text} tone={n.tone}>
                {n.text}
                {n.offerReset && tf.enabled ? (
                  <>
                    {' '}
                    <button type="button" className="link-button" onClick={() => openPanel('reset')}>
                      Go to Reset 2FA
                    </button>
                  </>
                ) : null}
              </Notice>
            ))
          : null}
        {done && done.state === now ? <Notice tone="ok">{done.text}</Notice> : null}
        <BindForAppNotice enabled={tf.enabled} />
        <ErrorAlert error={error} />
      </div>
      <p className="signed-in-as">
        Signed in as <strong>{me.email}</strong>
      </p>

      <SignInMethods me={me} open={open} busy={busy} onOpen={openPanel} />
      {tf.enabled && open === 'webauthn' ? (
        <SecurityKeysPanel
          keys={tf.securityKeys ?? []}
          methods={availableMethods(me, 'factor_change')}
          onChanged={reload}
        />
      ) : null}
      {tf.enabled && open === 'sms' ? (
        <PhonePanel sms={tf.sms ?? null} methods={availableMethods(me, 'factor_change')} onChanged={reload} />
      ) : null}

      <section aria-labelledby="lock-heading" className="card">
        <h2 id="lock-heading">Withdrawals</h2>
        <WithdrawalLockPanel lock={me.withdrawalLock} onEnded={() => void reload()} />
      </section>

      <RecoveryPanel recovery={me.recovery} />

      <ChangePasswordPanel me={me} onChanged={reload} />
      <AccountActivity />

      {tf.enabled ? (
        <section aria-labelledby="reset-heading" className="card danger-zone">
          <h2 id="reset-heading">Reset two-factor authentication</h2>
          <p>Use this to move to a new phone or to get a fresh set of {BACKUP_CODES_PER_SET} backup codes.</p>
          {open === 'reset' ? (
            <ResetTwoFactorForm
              methods={availableMethods(me, 'reset')}
              lockHours={me.policy.withdrawalLockHours.two_factor_reset ?? 0}
              onCancel={() => setOpen(null)}
              onSetup={(setup) =>
                setFlow({
                  step: 'bind',
                  setup,
                  isReset: true,
                  hadExtras: (tf.securityKeys?.length ?? 0) > 0 || Boolean(tf.sms),
                })
              }
            />
          ) : (
            <button type="button" className="danger" onClick={() => openPanel('reset')}>
              Reset 2FA…
            </button>
          )}
        </section>
      ) : null}

      <FreezeAccountPanel />
    </Page>
  );
}
