import { startAuthentication } from '@simplewebauthn/browser';
import { type FormEvent, useRef, useState } from 'react';
import { ErrorAlert } from '../components/alerts.tsx';
import { codeInputProps, Field } from '../components/field.tsx';
import { cleanCode, codeLabel, MethodPicker, preferredMethod } from '../components/method-picker.tsx';
import { ApiError, api } from '../lib/api.ts';
import { clockDriftSentence, smsSendError } from '../lib/messages.ts';
import type { SecondFactorMethod, VerifyAnswer } from '../lib/types.ts';
import type { LoginNotice } from './login-page.tsx';

interface Props {
  challenge: string;
  methods: SecondFactorMethod[];
  onSignedIn: (notices: LoginNotice[]) => Promise<void>;
  onRestart: () => void;
}

/** What to tell the user after a successful second factor. */
function noticesFrom(answer: VerifyAnswer, method: SecondFactorMethod): LoginNotice[] {
  const notices: LoginNotice[] = [];
  const warnings = answer.warnings ?? [];
  const exhausted = warnings.some((w) => w.code === 'backup_codes_exhausted') || answer.backupCodesRemaining === 0;
  const low = warnings.find((w) => w.code === 'backup_codes_low');
  if (method === 'backup_code' || answer.backupCodesRemaining !== undefined) {
    const left = answer.backupCodesRemaining ?? low?.remaining;
    const count = left === undefined ? '' : ` You have ${left} backup code${left === 1 ? '' : 's'} left.`;
    const how = exhausted
      ? ' That was your last one: get a new set of 8 now by resetting 2FA.'
      : low
        ? ' They are running low: get a fresh set of 8 by resetting 2FA.'
        : ' To get a fresh set of 8 at any time, reset 2FA.';
    notices.push({
      tone: 'warn',
      text: `You signed in with a backup code; that code no longer works.${count}${how}`,
      offerReset: true,
    });
  }
  for (const w of warnings) {
    if (w.code === 'clock_drift' && typeof w.driftSeconds === 'number' && w.driftSeconds !== 0) {
      notices.push({ tone: 'warn', text: `Signed in, but ${clockDriftSentence(w.driftSeconds)}.` });
    }
  }
  return notices;
}

export function SecondFactorStep({ challenge, methods, onSignedIn, onRestart }: Props) {
  const [method, setMethod] = useState<SecondFactorMethod>(() => preferredMethod(methods));
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [smsSent, setSmsSent] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);
  const expired = error instanceof ApiError && error.code === 'challenge_expired';

  async function verify(body: Record<string, unknown>) {
    setBusy(true);
    setError(null);
    try {
      const answer = await api<VerifyAnswer>('/v1/sessions/verify', { method: 'POST', body: { challenge, ...body } });
      await onSignedIn(noticesFrom(answer, method));
    } catch (err) {
      setError(err);
      setBusy(false);
      setCode('');
      codeRef.current?.focus();
    }
  }

  function submitCode(e: FormEvent) {
    e.preventDefault();
    void verify({ method, code: cleanCode(code) });
  }

  async function signInWithKey() {
    setBusy(true);
    setError(null);
    try {
      const optionsJSON = await api<Parameters<typeof startAuthentication>[0]['optionsJSON']>(
        '/v1/sessions/webauthn/options',
        {
          method: 'POST',
          body: { challenge },
        },
      );
      const response = await startAuthentication({ optionsJSON });
      await verify({ method: 'webauthn', response });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  async function sendSms() {
    setError(null);
    try {
      await api('/v1/sessions/sms', { method: 'POST', body: { challenge } });
      setSmsSent(true);
      codeRef.current?.focus();
    } catch (err) {
      setError(smsSendError(err));
    }
  }

  return (
    <>
      <p>Your account is protected with two-factor authentication.</p>
      <ErrorAlert error={error} />
      {expired ? (
        <button type="button" onClick={onRestart}>
          Start again
        </button>
      ) : (
        <>
          <MethodPicker
            methods={methods}
            value={method}
            onChange={(m) => {
              setMethod(m);
              setError(null);
              setCode('');
            }}
          />
          {method === 'webauthn' ? (
            <button type="button" disabled={busy} onClick={() => void signInWithKey()}>
              Use security key
            </button>
          ) : (
            <form onSubmit={submitCode}>
              {method === 'sms' ? (
                <p>
                  <button type="button" className="secondary" onClick={() => void sendSms()}>
                    {smsSent ? 'Send another SMS' : 'Send code by SMS'}
                  </button>
                  <span role="status">{smsSent ? ' Code sent to your phone.' : ''}</span>
                </p>
              ) : null}
              <Field
                ref={codeRef}
                key={method}
                label={codeLabel(method)}
                name="code"
                required
                value={code}
                onChange={(e) => setCode(e.target.value)}
                hint={method === 'backup_code' ? 'Each backup code works once.' : undefined}
                {...codeInputProps}
              />
              <button type="submit" disabled={busy || cleanCode(code).length === 0}>
                {busy ? 'Checking…' : 'Verify'}
              </button>
            </form>
          )}
        </>
      )}
      <p className="aside">
        <a href="#/recovery">Security verification unavailable?</a>
      </p>
    </>
  );
}
