import { type FormEvent, useRef, useState } from 'react';
import { ALLOWED_TYPES } from '../../domain/evidence-types.ts';
import { type EvidenceKind, type TicketAccess, uploadEvidence } from '../lib/client.ts';
import { EVIDENCE_KIND_LABEL, formatBytes } from '../lib/format.ts';
import { useAction } from '../lib/use-action.ts';
import { ErrorAlert } from './alerts.tsx';

/** A file the claimant sent from this page. */
export interface Uploaded {
  evidenceId: string;
  kind: EvidenceKind;
  name: string;
}

interface Props {
  ticket: TicketAccess;
  /** The kinds this ticket takes, required ones first (the server's policy). */
  kinds: EvidenceKind[];
  onUploaded: (e: Uploaded) => void;
}

/** One file at a time, with a progress bar (XMLHttpRequest upload events). */
export function EvidenceUploader({ ticket, kinds, onUploaded }: Props) {
  const [kind, setKind] = useState<EvidenceKind>(kinds[0] as EvidenceKind);
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const { run, error } = useAction();
  const fileRef = useRef<HTMLInputElement>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) return;
    setProgress(0);
    await run(async () => {
      const answer = await uploadEvidence(ticket, kind, file, setProgress);
      onUploaded({ evidenceId: answer.evidenceId, kind, name: file.name });
      setFile(null);
      if (fileRef.current) fileRef.current.value = '';
    });
    setProgress(null);
  }

  const pct = progress === null ? null : Math.round(progress * 100);
  return (
    <section aria-labelledby="evidence-heading" className="card">
      <h2 id="evidence-heading">Add evidence</h2>
      <form onSubmit={submit}>
        <ErrorAlert error={error} />
        <div className="field">
          <label htmlFor="evidence-kind">What is it?</label>
          <select id="evidence-kind" value={kind} onChange={(e) => setKind(e.target.value as EvidenceKind)}>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {EVIDENCE_KIND_LABEL[k]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="evidence-file">File</label>
          <input
            id="evidence-file"
            ref={fileRef}
            type="file"
            accept={ALLOWED_TYPES[kind].join(',')}
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            aria-describedby="evidence-file-hint"
          />
          <p id="evidence-file-hint" className="hint">
            {file ? `${file.name}, ${formatBytes(file.size)}` : 'A photo or scan (JPEG, PNG, PDF), or a short video.'}
          </p>
        </div>
        {pct !== null ? (
          <div className="progress">
            <label htmlFor="upload-progress">Uploading</label>
            <progress id="upload-progress" max={100} value={pct}>
              {pct}%
            </progress>
            <span aria-live="polite">{pct}%</span>
          </div>
        ) : null}
        <button type="submit" disabled={!file || pct !== null}>
          Upload
        </button>
      </form>
    </section>
  );
}
