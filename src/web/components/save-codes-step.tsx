import { type FormEvent, useEffect, useId, useState } from 'react';
import { MIN_ZIP_PASSWORD_LENGTH } from '../../domain/backup-codes.ts';
import { saveBlob } from '../lib/api.ts';
import { acknowledgeBackupCodes, type BackupCodesIssued, exportBackupCodes } from '../lib/client.ts';
import { formatDateTime } from '../lib/format.ts';
import { useAction } from '../lib/use-action.ts';
import { useFocusOnMount } from '../lib/use-focus-on-mount.ts';
import { ErrorAlert, Notice } from './alerts.tsx';
import { Field } from './field.tsx';

/** The new backup codes, shown this once: save them before moving on
 * ("Save immediately when enabling 2FA"). */
export function SaveCodesStep({ answer, onDone }: { answer: BackupCodesIssued; onDone: () => void }) {
  const [zipPassword, setZipPassword] = useState('');
  const [saved, setSaved] = useState(false);
  const { run, running: busy, error } = useAction<'pdf' | 'zip' | 'ack'>();
  const [downloaded, setDownloaded] = useState<string | null>(null);
  const checkboxId = useId();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const { codes } = answer.backupCodes;

  // Leaving the page before acknowledging would lose the codes for good.
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, []);

  function download(format: 'pdf' | 'zip') {
    return run(async () => {
      const { revealToken } = answer;
      const blob = await exportBackupCodes(
        format === 'pdf' ? { revealToken, format } : { revealToken, format, password: zipPassword },
      );
      const name = `latchkey-backup-codes.${format}`;
      saveBlob(blob, name);
      setDownloaded(name);
    }, format);
  }

  function finish(e: FormEvent) {
    e.preventDefault();
    if (!saved) return;
    void run(async () => {
      await acknowledgeBackupCodes(answer.revealToken);
      onDone();
    }, 'ack');
  }

  return (
    <section aria-labelledby="codes-heading" className="card">
      <h2 id="codes-heading" ref={heading} tabIndex={-1}>
        Save your backup codes
      </h2>
      <p>
        If you lose your phone, each of these codes lets you sign in once. <strong>They are shown only now.</strong>{' '}
        Issued {formatDateTime(answer.backupCodes.issuedAt)}.
      </p>
      <ol className="codes" data-testid="backup-codes" aria-label="Backup codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ol>
      <details className="advice" open>
        <summary>Where to keep them</summary>
        <ul>
          <li>
            Print them and keep the sheet somewhere safe, such as a safe or a locked drawer — ideally two copies in
            different places.
          </li>
          <li>Never on the same phone as your authenticator.</li>
          <li>Not as a screenshot, in a notes app or in your email: those sync to the cloud and can be stolen.</li>
          <li>An encrypted ZIP with a strong password is a fair compromise.</li>
        </ul>
      </details>

      <ErrorAlert error={error} />
      {downloaded ? <Notice tone="ok">Downloaded {downloaded}.</Notice> : null}

      <div className="downloads">
        <button type="button" className="secondary" disabled={busy !== null} onClick={() => void download('pdf')}>
          {busy === 'pdf' ? 'Preparing PDF…' : 'Download printable PDF'}
        </button>
        <div className="zip">
          <Field
            label="Password for the ZIP file"
            type="password"
            name="zip-password"
            autoComplete="new-password"
            minLength={MIN_ZIP_PASSWORD_LENGTH}
            hint={`At least ${MIN_ZIP_PASSWORD_LENGTH} characters. The ZIP is AES-256 encrypted; you need this password to open it.`}
            value={zipPassword}
            onChange={(e) => setZipPassword(e.target.value)}
          />
          <button
            type="button"
            className="secondary"
            disabled={busy !== null || zipPassword.length < MIN_ZIP_PASSWORD_LENGTH}
            onClick={() => void download('zip')}
          >
            {busy === 'zip' ? 'Preparing ZIP…' : 'Download encrypted ZIP'}
          </button>
        </div>
      </div>
      <p className="hint">
        The downloads stay available until {formatDateTime(answer.revealExpiresAt)} or until you continue.
      </p>

      <form onSubmit={finish}>
        <div className="check">
          <input id={checkboxId} type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} />
          <label htmlFor={checkboxId}>I have saved them somewhere safe</label>
        </div>
        <button type="submit" disabled={!saved || busy !== null}>
          {busy === 'ack' ? 'Saving…' : 'Continue'}
        </button>
      </form>
    </section>
  );
}
