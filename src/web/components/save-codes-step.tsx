import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { MIN_ZIP_PASSWORD_LENGTH } from '../../domain/backup-codes.ts';
import { saveBlob } from '../lib/api.ts';
import { acknowledgeBackupCodes, type BackupCodesIssued, checkBackupCode, exportBackupCodes } from '../lib/client.ts';
import { cleanCode } from '../lib/codes.ts';
import { formatDateTime } from '../lib/format.ts';
import { useLeaveGuard } from '../lib/leave-guard.ts';
import { forgetPendingCodes, rememberPendingCodes } from '../lib/pending-codes.ts';
import { useAction } from '../lib/use-action.ts';
import { useFocusOnMount } from '../lib/use-focus-on-mount.ts';
import { useTouchDevice } from '../lib/use-media.ts';
import { ErrorAlert, Notice } from './alerts.tsx';
import { codeInputProps, Field } from './field.tsx';

/** The ways of keeping the codes the guide recommends; each ticks itself once done. */
type Way = 'print' | 'zip' | 'paper';

interface Props {
  answer: BackupCodesIssued;
  /** The account, named on the printed sheet. */
  email?: string;
  onDone: () => void;
}

/**
 * The new backup codes, shown this once: keep them one of the guide's ways (print,
 * encrypted ZIP, on paper), then type one back — checked by the server without
 * using it up — before the step closes ("Save immediately when enabling 2FA").
 */
export function SaveCodesStep({ answer, email, onDone }: Props) {
  const touch = useTouchDevice();
  const [done, setDone] = useState<ReadonlySet<Way>>(new Set());
  const [zipPassword, setZipPassword] = useState('');
  const [typed, setTyped] = useState('');
  const { run, running, error } = useAction<'pdf' | 'zip' | 'finish'>();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const { codes } = answer.backupCodes;
  const until = formatDateTime(answer.revealExpiresAt);

  // Left unfinished (a link, a closed tab), the security page offers the codes again until the window closes.
  useEffect(() => rememberPendingCodes(answer), [answer]);
  useLeaveGuard(
    true,
    `Your backup codes are not saved yet. Leave anyway? Until ${until} the security page can show them again; after that they are gone.`,
  );

  const mark = (way: Way) => setDone((before) => new Set(before).add(way));

  function print() {
    window.print();
    mark('print');
  }

  function download(format: 'pdf' | 'zip') {
    return run(async () => {
      const { revealToken } = answer;
      const blob = await exportBackupCodes(
        format === 'pdf' ? { revealToken, format } : { revealToken, format, password: zipPassword },
      );
      saveBlob(blob, `latchkey-backup-codes.${format}`);
      mark(format === 'zip' ? 'zip' : 'print');
    }, format);
  }

  async function finish(e: FormEvent) {
    e.preventDefault();
    if (done.size === 0) return;
    const ok = await run(async () => {
      await checkBackupCode(cleanCode(typed));
      await acknowledgeBackupCodes(answer.revealToken);
      forgetPendingCodes();
      onDone();
    }, 'finish');
    if (!ok) setTyped('');
  }

  const busy = running !== null;
  const ways: Record<Way, ReactNode> = {
    print: (
      <SaveWay key="print" title="Print them" done={done.has('print')}>
        <p>Only the codes sheet is printed. Keep the paper somewhere safe, such as a safe or a locked drawer.</p>
        <div className="actions">
          <button type="button" className="secondary" disabled={busy} onClick={print}>
            Print the codes
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={() => void download('pdf')}>
            {running === 'pdf' ? 'Preparing PDF…' : 'Download printable PDF'}
          </button>
        </div>
      </SaveWay>
    ),
    zip: (
      <SaveWay key="zip" title="Encrypted ZIP file" done={done.has('zip')}>
        <p>A file you can keep off this device (a USB stick), locked with a password of its own.</p>
        <div className="zip">
          <Field
            label="Password for the ZIP file"
            type="password"
            name="zip-password"
            autoComplete="new-password"
            minLength={MIN_ZIP_PASSWORD_LENGTH}
            hint={`Opens this ZIP only — not your account password. At least ${MIN_ZIP_PASSWORD_LENGTH} characters; the file is AES-256 encrypted.`}
            value={zipPassword}
            onChange={(e) => setZipPassword(e.target.value)}
          />
          <button
            type="button"
            className="secondary"
            disabled={busy || zipPassword.length < MIN_ZIP_PASSWORD_LENGTH}
            onClick={() => void download('zip')}
          >
            {running === 'zip' ? 'Preparing ZIP…' : 'Download encrypted ZIP'}
          </button>
        </div>
      </SaveWay>
    ),
    paper: (
      <SaveWay key="paper" title="Write them down" done={done.has('paper')}>
        <p>On paper, by hand — all eight, then check them twice.</p>
        <button type="button" className="secondary" disabled={busy} onClick={() => mark('paper')}>
          I wrote them down
        </button>
      </SaveWay>
    ),
  };
  const order: Way[] = touch ? ['paper', 'print', 'zip'] : ['print', 'zip', 'paper'];

  return (
    <section aria-labelledby="codes-heading" className="card">
      <h2 id="codes-heading" ref={heading} tabIndex={-1}>
        Save your backup codes
      </h2>
      {touch ? (
        <Notice tone="warn">
          <strong>Print them or write them on paper — not on this phone.</strong> This may be the device with your
          authenticator app: if you lose it, you lose the codes with it.
        </Notice>
      ) : null}
      <p>
        If you lose your phone, each of these codes lets you sign in once. <strong>They are shown only now</strong>{' '}
        (until {until} at the latest).
      </p>
      <div className="codes-sheet">
        <p className="print-only">
          <strong>Latchkey backup codes</strong>
          {email ? ` for ${email}` : ''} · issued {formatDateTime(answer.backupCodes.issuedAt)} · each code works once.
        </p>
        <ol className="codes" data-testid="backup-codes" aria-label="Backup codes">
          {codes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ol>
      </div>
      <p className="hint">
        Never keep them on the phone with your authenticator, as a screenshot, in a notes app or in your email: those
        sync to the cloud and can be stolen. Keep the place unknown to others, even family, and make sure you will
        remember where it is.
      </p>

      <h3>Keep them one of these ways</h3>
      <ul className="save-ways">{order.map((way) => ways[way])}</ul>

      <form onSubmit={finish} className="check-back">
        <h3>Check your copy</h3>
        <ErrorAlert error={error} />
        <Field
          label="Type one of the codes from your copy"
          name="check-code"
          required
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          hint="It is checked, not used up. A wrong code counts like a wrong sign-in code."
          {...codeInputProps}
        />
        {done.size === 0 ? <p className="hint">First keep the codes one of the ways above.</p> : null}
        <button type="submit" disabled={done.size === 0 || cleanCode(typed).length === 0 || busy}>
          {running === 'finish' ? 'Checking…' : 'Continue'}
        </button>
      </form>
    </section>
  );
}

function SaveWay({ title, done, children }: { title: string; done: boolean; children: ReactNode }) {
  return (
    <li className={done ? 'save-way done' : 'save-way'}>
      <h4>
        {title}{' '}
        {done ? (
          <span className="badge badge-on" data-testid="way-done">
            ✓ Done
          </span>
        ) : null}
      </h4>
      {children}
    </li>
  );
}
