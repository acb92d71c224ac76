import { type FormEvent, useEffect, useState } from 'react';
import { PASSWORD_MIN_LENGTH, PASSWORD_MIN_LENGTH_WITH_SECOND_FACTOR } from '../../domain/policy.ts';
import { ErrorAlert, Notice } from '../components/alerts.tsx';
import { Field } from '../components/field.tsx';
import { preferredMethod } from '../components/method-picker.tsx';
import { NewPasswordField } from '../components/new-password-field.tsx';
import { Page } from '../components/page.tsx';
import { StepUpFields } from '../components/step-up-fields.tsx';
import { ApiError } from '../lib/api.ts';
import {
  checkResetLink,
  confirmPasswordReset,
  type ResetLinkView,
  resetLinkKeyOptions,
  type SecondFactorMethod,
} from '../lib/client.ts';
import { formatDateTime } from '../lib/format.ts';
import { forgetResetLink, resetLinkToken } from '../lib/reset-link.ts';
import { stepUpProof } from '../lib/step-up.ts';
import { useAction } from '../lib/use-action.ts';

type State =
  | { step: 'loading' }
  | { step: 'invalid'; error: unknown }
  | { step: 'form'; token: string; link: ResetLinkView }
  | { step: 'done' };

/** The page the emailed link opens: a new password, and the second factor when the account has 2FA. */
export function PasswordResetPage() {
  const [state, setState] = useState<State>({ step: 'loading' });

  useEffect(() => {
    const token = resetLinkToken();
    if (!token) {
      setState({ step: 'invalid', error: null });
      return;
    }
    checkResetLink(token).then(
      (link) => setState({ step: 'form', token, link }),
      (error: unknown) => setState({ step: 'invalid', error }),
    );
  }, []);

  if (state.step === 'loading') {
    return (
      <Page title="Choose a new password">
        <p role="status">Checking your link…</p>
      </Page>
    );
  }
  if (state.step === 'invalid') return <InvalidLink error={state.error} />;
  if (state.step === 'done') {
    return (
      <Page title="Your password was changed">
        <Notice tone="ok">
          Your new password is set. Every session of your account was signed out, and withdrawals are locked for a while
          in case it was not you. We sent you an email about it.
        </Notice>
        <p>
          <a href="#/login">Sign in with your new password</a>
        </p>
      </Page>
    );
  }
  return (
    <ResetForm
      token={state.token}
      link={state.link}
      onDone={() => {
        forgetResetLink();
        setState({ step: 'done' });
      }}
      onLinkGone={(error) => {
        forgetResetLink();
        setState({ step: 'invalid', error });
      }}
    />
  );
}

function InvalidLink({ error }: { error: unknown }) {
  const frozen = error instanceof ApiError && error.code === 'account_frozen';
  return (
    <Page title={frozen ? 'This account is frozen' : 'This link no longer works'}>
      {frozen ? (
        <ErrorAlert error={error} />
      ) : (
        <>
          <p data-testid="reset-link-invalid">
            This password reset link has expired, was already used, or was replaced by a newer one — or it was not
            copied completely. A link works once, for a short time, and only the newest one works.
          </p>
          <p>
            <a href="#/forgot-password">Ask for a new link</a> or <a href="#/login">sign in</a>.
          </p>
        </>
      )}
    </Page>
  );
}

interface FormProps {
  token: string;
  link: ResetLinkView;
  onDone: () => void;
  onLinkGone: (error: unknown) => void;
}

function ResetForm({ token, link, onDone, onLinkGone }: FormProps) {
  const [password, setPassword] = useState('');
  const [method, setMethod] = useState<SecondFactorMethod>(() => preferredMethod(link.methods));
  const [code, setCode] = useState('');
  const { run, busy, error } = useAction();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const ok = await run(async () => {
      try {
        const proof = link.twoFactor ? await stepUpProof(method, code, () => resetLinkKeyOptions(token)) : null;
        await confirmPasswordReset(token, password, proof);
      } catch (err) {
        if (err instanceof ApiError && err.code === 'invalid_token') onLinkGone(err);
        throw err;
      }
      onDone();
    });
    if (!ok) setCode('');
  }

  return (
    <Page title="Choose a new password">
      <p>
        This link works until {formatDateTime(link.expiresAt)}. Setting a new password signs out every session of your
        account and locks withdrawals for a while.
      </p>
      <form onSubmit={submit}>
        <ErrorAlert error={error} />
        {/* Which account the new password is for (password managers read it too). */}
        <Field label="Account" type="email" name="username" autoComplete="username" value={link.email} readOnly />
        <NewPasswordField
          id="reset-new-password"
          label="New password"
          value={password}
          onChange={setPassword}
          email={link.email}
          hasSecondFactor={link.twoFactor}
          minLength={link.twoFactor ? PASSWORD_MIN_LENGTH_WITH_SECOND_FACTOR : PASSWORD_MIN_LENGTH}
        />
        {link.twoFactor ? (
          <>
            <p>Your account has two-factor authentication: a password reset never skips it.</p>
            <StepUpFields
              methods={link.methods}
              method={method}
              onMethod={setMethod}
              code={code}
              onCode={setCode}
              idPrefix="reset-link"
            />
          </>
        ) : null}
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Set new password'}
        </button>
      </form>
      {link.twoFactor ? (
        <p className="hint">
          Lost your authenticator app, your backup codes and your security keys too? A password reset cannot skip them,
          so that a stolen mailbox alone never opens your account. Contact support: they can verify your identity and
          recover the account (<a href="#/recovery">how recovery works</a>).
        </p>
      ) : null}
    </Page>
  );
}
