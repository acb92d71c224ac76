import { type FormEvent, useState } from 'react';
import { type BackupCodesIssued, confirmTotp, type PendingBinding } from '../lib/client.ts';
import { cleanCode } from '../lib/codes.ts';
import { formatDateTime } from '../lib/format.ts';
import { useAction } from '../lib/use-action.ts';
import { useFocusOnMount } from '../lib/use-focus-on-mount.ts';
import { usePhoneFirst } from '../lib/use-media.ts';
import { ErrorAlert } from './alerts.tsx';
import { CopyButton } from './copy-button.tsx';
import { codeInputProps, Field } from './field.tsx';
import { QrImage } from './qr-image.tsx';

function groupKey(secret: string): string {
  return secret.replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ');
}

/** `enroll`: the first binding; `reset`: a 2FA reset; `recovery`: after an
 * approved recovery ticket (confirmed with the ticket token, not a session). */
export type BindingKind = 'enroll' | 'reset' | 'recovery';

interface Props {
  setup: PendingBinding;
  kind: BindingKind;
  onConfirmed: (answer: BackupCodesIssued) => void;
  onCancel?: () => void;
  /** Confirms the code; by default with the signed-in session. */
  confirmCode?: (setupId: string, code: string) => Promise<BackupCodesIssued>;
}

const HEADING: Record<BindingKind, string> = {
  enroll: 'Set up your authenticator app',
  reset: 'Bind your new authenticator',
  recovery: 'Bind your new authenticator',
};

const HINT: Record<BindingKind, string> = {
  enroll: 'Turning on 2FA signs this account out everywhere else (other browsers and devices).',
  reset:
    'Until you confirm, your old authenticator, backup codes, security keys and phone keep working. Confirming replaces the authenticator and the codes and removes the security keys and the phone.',
  recovery:
    'Confirming signs you in here and signs the account out everywhere else. Withdrawals then stay locked for a safety period.',
};

/** Scan the QR code, back up the setup key, confirm with a first code. */
export function BindAuthenticator({ setup, kind, onConfirmed, onCancel, confirmCode = confirmTotp }: Props) {
  const [code, setCode] = useState('');
  const { run, busy, error } = useAction();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const phoneFirst = usePhoneFirst();

  async function confirm(e: FormEvent) {
    e.preventDefault();
    const ok = await run(async () => onConfirmed(await confirmCode(setup.setupId, cleanCode(code))));
    if (!ok) setCode('');
  }

  // On the phone that runs the authenticator a QR code can't be scanned: the app link comes first there.
  const ways = {
    app: (
      <>
        <p>On this phone, let your authenticator app (Google Authenticator or similar) add the account:</p>
        <a className="button-link" href={setup.otpauthUri} data-testid="otpauth-link">
          Open in authenticator app
        </a>
      </>
    ),
    key: (
      <>
        <p>
          {phoneFirst ? 'If no app opens, copy' : 'Or type'} this <strong>setup key</strong> into the app.{' '}
          <strong>Back it up</strong> — write it on paper and keep it apart from your phone: with it you can restore the
          authenticator on a new phone.
        </p>
        <p className="setup-key">
          <span className="visually-hidden">Setup key: </span>
          <code data-testid="setup-key">{groupKey(setup.secret)}</code>{' '}
          <CopyButton text={setup.secret} label="Copy setup key" />
        </p>
      </>
    ),
    qr: (
      <>
        <p>
          {phoneFirst
            ? 'Setting up the authenticator on another device? Scan this QR code with it.'
            : 'Open your authenticator app (Google Authenticator or similar) and scan this QR code.'}
        </p>
        <QrImage svg={setup.qrSvg} alt="QR code to scan with your authenticator app" />
      </>
    ),
  };

  return (
    <section aria-labelledby="bind-heading" className="card">
      <h2 id="bind-heading" ref={heading} tabIndex={-1}>
        {HEADING[kind]}
      </h2>
      <ol className="steps">
        {(phoneFirst ? (['app', 'key', 'qr'] as const) : (['qr', 'key'] as const)).map((way) => (
          <li key={way}>{ways[way]}</li>
        ))}
        <li>
          <form onSubmit={confirm}>
            <ErrorAlert error={error} />
            <Field
              label="Enter the 6-digit code the app shows"
              name="confirm-code"
              required
              value={code}
              onChange={(e) => setCode(e.target.value)}
              hint={`This setup expires at ${formatDateTime(setup.expiresAt)}.`}
              {...codeInputProps}
            />
            <div className="actions">
              <button type="submit" disabled={busy || cleanCode(code).length === 0}>
                {busy ? 'Checking…' : 'Confirm and turn on 2FA'}
              </button>
              {onCancel ? (
                <button type="button" className="secondary" onClick={onCancel}>
                  Cancel
                </button>
              ) : null}
            </div>
          </form>
        </li>
      </ol>
      <p className="hint">{HINT[kind]}</p>
    </section>
  );
}
