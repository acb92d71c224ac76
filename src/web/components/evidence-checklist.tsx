import { ALLOWED_TYPES } from '../../domain/evidence-types.ts';
import type { EvidenceKind, PolicyView, TicketKind } from '../lib/client.ts';
import { EVIDENCE_KIND_HINT, EVIDENCE_KIND_LABEL, formatDateTime } from '../lib/format.ts';

interface Props {
  kind: TicketKind;
  policy: PolicyView;
  /** The kinds already uploaded (ticked), when a ticket exists. */
  uploaded?: readonly EvidenceKind[];
  /** The ticket's evidence deadline, when a ticket exists. */
  dueBy?: string;
}

/** The evidence a ticket of this kind needs and what helps (the server's policy). */
export function evidenceFor(
  policy: PolicyView,
  kind: TicketKind,
): { required: EvidenceKind[]; recommended: EvidenceKind[] } {
  return policy.recovery.evidence[kind] ?? { required: [], recommended: [] };
}

/** What a ticket of this kind needs and what helps, with the deadline and the review time (from the server's policy). */
export function EvidenceChecklist({ kind, policy, uploaded, dueBy }: Props) {
  const { evidenceWindowDays, lostTwoFactorReviewHours, fullVerificationReviewBusinessDays } = policy.recovery;
  const review =
    kind === 'lost_two_factor'
      ? `within ${lostTwoFactorReviewHours} hours`
      : `within ${fullVerificationReviewBusinessDays} business days`;
  const row = (k: EvidenceKind, required: boolean) => {
    const done = uploaded?.includes(k) ?? false;
    return (
      <li key={k} className={done ? 'checklist-item done' : 'checklist-item'} data-testid={`checklist-${k}`}>
        <span aria-hidden="true">{uploaded ? (done ? '✓' : '○') : '•'} </span>
        <strong>{EVIDENCE_KIND_LABEL[k]}</strong> ({required ? 'required' : 'optional, helps the review'})
        {uploaded ? <span className="visually-hidden">{done ? ', uploaded' : ', not uploaded yet'}</span> : null}
        <span className="hint">
          {' '}
          — {EVIDENCE_KIND_HINT[k]} ({ALLOWED_TYPES[k].map((mime) => mime.split('/')[1]?.toUpperCase()).join(', ')})
        </span>
      </li>
    );
  };
  return (
    <section aria-labelledby="checklist-heading" className="card" data-testid="evidence-checklist">
      <h2 id="checklist-heading">What you will need</h2>
      <ul className="plain checklist">
        {evidenceFor(policy, kind).required.map((k) => row(k, true))}
        {evidenceFor(policy, kind).recommended.map((k) => row(k, false))}
      </ul>
      <p>
        {dueBy ? (
          <>
            Send it for review by <strong data-testid="evidence-due-by">{formatDateTime(dueBy)}</strong>, or the ticket
            expires.
          </>
        ) : (
          <>You will have {evidenceWindowDays} days to upload it and send the ticket for review.</>
        )}{' '}
        Support then decides {review}. You get an email at every step, with a link that brings you back here from any
        browser.
      </p>
    </section>
  );
}
