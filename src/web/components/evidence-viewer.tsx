import { useEffect, useState } from 'react';
import { getEvidenceFile, type SupportTicketView } from '../lib/client.ts';
import { EVIDENCE_KIND_LABEL, formatBytes, formatDateTime } from '../lib/format.ts';
import { ErrorAlert } from './alerts.tsx';

type Evidence = SupportTicketView['evidence'][number];

/**
 * Fetches one file with the session cookie and shows it inline: images and
 * videos as such, a PDF in the browser's own viewer (an <object> on a blob:
 * URL typed application/pdf, from the bytes the server sniffed; the page's
 * CSP allows blob: objects and nothing else, and the file itself is served
 * with `sandbox` so it never runs as a page of ours).
 */
function EvidenceItem({ ticketId, item }: { ticketId: string; item: Evidence }) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let objectUrl: string | null = null;
    let cancelled = false;
    getEvidenceFile(ticketId, item.evidenceId)
      .then((blob) => {
        if (cancelled) return;
        // Keep the declared type so the browser renders it the right way.
        const typed = blob.type ? blob : new Blob([blob], { type: item.mimeType });
        objectUrl = URL.createObjectURL(typed);
        setUrl(objectUrl);
      })
      .catch((err: unknown) => {
        if (!cancelled) setError(err);
      });
    return () => {
      cancelled = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [ticketId, item.evidenceId, item.mimeType]);

  const title = EVIDENCE_KIND_LABEL[item.kind];
  const ext = item.mimeType.split('/')[1]?.split('+')[0] ?? 'bin';
  return (
    <figure className="evidence" data-testid="evidence-item">
      <figcaption>
        <strong>{title}</strong> · {item.mimeType}, {formatBytes(item.size)} · {formatDateTime(item.createdAt)}
      </figcaption>
      <ErrorAlert error={error} />
      {url === null ? (
        error ? null : (
          <p role="status">Loading file…</p>
        )
      ) : item.mimeType.startsWith('image/') ? (
        <img src={url} alt={`${title} uploaded by the claimant`} />
      ) : item.mimeType.startsWith('video/') ? (
        // biome-ignore lint/a11y/useMediaCaption: claimant-recorded evidence has no captions
        <video src={url} controls preload="metadata" aria-label={`${title} uploaded by the claimant`} />
      ) : item.mimeType === 'application/pdf' ? (
        <>
          <object
            data={url}
            type="application/pdf"
            className="evidence-pdf"
            aria-label={`${title} uploaded by the claimant (PDF)`}
            data-testid="evidence-pdf"
          >
            <p>This browser cannot show PDFs inline: download it below.</p>
          </object>
          <a href={url} download={`evidence-${item.evidenceId}.${ext}`}>
            Download {title.toLowerCase()} (PDF)
          </a>
        </>
      ) : (
        <a href={url} download={`evidence-${item.evidenceId}.${ext}`} target="_blank" rel="noopener">
          Open {title.toLowerCase()} ({item.mimeType})
        </a>
      )}
    </figure>
  );
}

export function EvidenceViewer({ ticketId, evidence }: { ticketId: string; evidence: Evidence[] }) {
  return (
    <section aria-labelledby="evidence-heading" className="card">
      <h2 id="evidence-heading">Evidence ({evidence.length})</h2>
      {evidence.length === 0 ? <p>No files were uploaded.</p> : null}
      <div className="evidence-grid">
        {evidence.map((e) => (
          <EvidenceItem key={e.evidenceId} ticketId={ticketId} item={e} />
        ))}
      </div>
    </section>
  );
}
