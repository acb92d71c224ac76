import { startAuthentication } from '@simplewebauthn/browser';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { BACKUP_CODES_PER_SET } from '../../domain/policy.ts';
import { CodeRefusal, signInEnded } from '../components/code-refusal.tsx';
import { codeInputProps, Field } from '../components/field.tsx';
import { codeLabel, MethodPicker, signInOrder } from '../components/method-picker.tsx';
import {
  loginKeyOptions,
  type SecondFactorMethod,
  sendLoginSms,
  type VerifyBody,
  type VerifyResponse,
  verifyLogin,
} from '../lib/client.ts';
import { cleanCode } from '../lib/codes.ts';
import type { LoginNotice } from '../lib/login-notice.ts';
import { clockDriftSentence, smsSendError } from '../lib/messages.ts';
import { useAction } from '../lib/use-action.ts';

interface Props {
  challenge: string;
  methods: SecondFactorMethod[];
  /** The account signing in, named on the step. */
  email: string;
  backupCodesRemaining: number | undefined;
  onSignedIn: (notices: LoginNotice[]) => Promise<void>;
  onRestart: () => void;
}

/** What to tell the user after a successful second factor. */
function noticesFrom(answer: VerifyResponse, method: SecondFactorMethod): LoginNotice[] {
  const notices: LoginNotice[] = [];
  const warnings = answer.warnings ?? [];
  const exhausted = warnings.some((w) => w.code === 'backup_codes_exhausted') || answer.backupCodesRemaining === 0;
  const low = warnings.find((w) => w.code === 'backup_codes_low');
  if (method === 'backup_code' || answer.backupCodesRemaining !== undefined) {
    const left = answer.backupCodesRemaining ?? low?.remaining;
    const count = left === undefined ? '' : ` You have ${left} backup code${left === 1 ? '' : 's'} left.`;
    const how = exhausted
      ? ` That was your last one: get a new set of ${BACKUP_CODES_PER_SET} now by resetting 2FA.`
      : low
        ? ` They are running low: get a fresh set of ${BACKUP_CODES_PER_SET} by resetting 2FA.`
        : ` To get a fresh set of ${BACKUP_CODES_PER_SET} at any time, reset 2FA.`;
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

export function SecondFactorStep({
  challenge,
  methods: bound,
  email,
  backupCodesRemaining,
  onSignedIn,
  onRestart,
}: Props) {
  const methods = signInOrder(bound);
  const [method, setMethod] = useState<SecondFactorMethod>(() => methods[0] ?? 'totp');
  const [code, setCode] = useState('');
  const [smsSent, setSmsSent] = useState(false);
  const { run, busy, error, setError } = useAction();
  const codeRef = useRef<HTMLInputElement>(null);
  // Straight into the code field (after the screen's heading took focus).
  useEffect(() => {
    const frame = requestAnimationFrame(() => codeRef.current?.focus());
    return () => cancelAnimationFrame(frame);
  }, []);
  const ended = signInEnded(error);

  function chooseMethod(m: SecondFactorMethod) {
    setMethod(m);
    setError(null);
    setCode('');
  }

  async function verify(body: VerifyBody) {
    await onSignedIn(noticesFrom(await verifyLogin(body), method));
  }

  async function submitCode(e: FormEvent) {
    e.preventDefault();
    if (await run(() => verify({ challenge, method, code: cleanCode(code) }))) return;
    setCode('');
    codeRef.current?.focus();
  }

  function signInWithKey() {
    return run(async () => {
      const response = await startAuthentication({ optionsJSON: await loginKeyOptions(challenge) });
      await verify({ challenge, method: 'webauthn', response });
    });
  }

  async function sendSms() {
    setError(null);
    try {
      await sendLoginSms(challenge);
      setSmsSent(true);
      codeRef.current?.focus();
    } catch (err) {
      setError(smsSendError(err));
    }
  }

  return (
    <>
      <p>
        Signing in as <strong data-testid="signing-in-as">{email}</strong>. Your account is protected with two-factor
        authentication.
      </p>
      <CodeRefusal
        error={error}
        onRestart={onRestart}
        onUseBackupCode={methods.includes('backup_code') ? () => chooseMethod('backup_code') : undefined}
      />
      {ended ? null : (
        <>
          <MethodPicker
            methods={methods}
            detail={backupCodesRemaining === undefined ? undefined : { backup_code: `${backupCodesRemaining} left` }}
            value={method}
            onChange={chooseMethod}
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
      {/* The recovery page needs this sign-in's challenge: once it has ended, recovery starts from a new sign-in. */}
      {ended ? null : (
        <p className="aside">
          <a href="#/recovery">Security verification unavailable?</a>
        </p>
      )}
    </>
  );
}
