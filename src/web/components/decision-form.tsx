import { type FormEvent, useId, useState } from 'react';
import { decideTicket, type SecondFactorMethod, type TicketStatus } from '../lib/client.ts';
import { FACTOR_LABEL } from '../lib/format.ts';
import { useAction } from '../lib/use-action.ts';
import { useFocusOnMount } from '../lib/use-focus-on-mount.ts';
import { ErrorAlert } from './alerts.tsx';

interface Props {
  ticketId: string;
  /** The account's email, and the factors it has now (from the server's factor registry). */
  email: string;
  factors: SecondFactorMethod[];
  /** This approval is the last one needed: it removes the factors. */
  approvalIsFinal: boolean;
  onDecided: (status: TicketStatus) => void;
}

/**
 * Approve or reject with a note to the user (emailed, shown on their ticket,
 * kept in the audit log) and, if wanted, an internal note for the agents.
 * Approving asks once more, naming what it removes.
 */
export function DecisionForm({ ticketId, email, factors, approvalIsFinal, onDecided }: Props) {
  const [note, setNote] = useState('');
  const [internalNote, setInternalNote] = useState('');
  const [confirming, setConfirming] = useState(false);
  const { run, busy, error } = useAction();
  const noteId = useId();
  const internalId = useId();

  function decide(decision: 'approve' | 'reject') {
    return run(async () => {
      const answer = await decideTicket(ticketId, {
        decision,
        note: note.trim(),
        ...(internalNote.trim() ? { internalNote: internalNote.trim() } : {}),
      });
      setNote('');
      setInternalNote('');
      setConfirming(false);
      onDecided(answer.status);
    });
  }

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const submitter = (e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    if (submitter?.value === 'reject') void decide('reject');
    else setConfirming(true);
  }

  const empty = note.trim() === '';
  return (
    <section aria-labelledby="decision-heading" className="card">
      <h2 id="decision-heading">Decision</h2>
      {confirming ? (
        <ApprovalConfirm
          email={email}
          factors={factors}
          final={approvalIsFinal}
          busy={busy}
          error={error}
          onConfirm={() => void decide('approve')}
          onCancel={() => setConfirming(false)}
        />
      ) : (
        <form onSubmit={onSubmit}>
          <ErrorAlert error={error} />
          <div className="field">
            <label htmlFor={noteId}>Note to the user (kept in the audit log)</label>
            <textarea
              id={noteId}
              required
              rows={3}
              value={note}
              aria-describedby={`${noteId}-hint`}
              onChange={(e) => setNote(e.target.value)}
            />
            <p id={`${noteId}-hint`} className="hint">
              The user gets it by email and sees it on their ticket page: say why, and what to send if you reject.
            </p>
          </div>
          <div className="field">
            <label htmlFor={internalId}>Internal note (optional)</label>
            <textarea
              id={internalId}
              rows={2}
              value={internalNote}
              aria-describedby={`${internalId}-hint`}
              onChange={(e) => setInternalNote(e.target.value)}
            />
            <p id={`${internalId}-hint`} className="hint">
              For other agents only: never shown or sent to the user. Kept with the decision and in the audit log.
            </p>
          </div>
          <div className="actions">
            <button type="submit" name="decision" value="approve" disabled={busy || empty}>
              Approve…
            </button>
            <button type="submit" name="decision" value="reject" className="danger" disabled={busy || empty}>
              Reject
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

interface ConfirmProps {
  email: string;
  factors: SecondFactorMethod[];
  final: boolean;
  busy: boolean;
  error: unknown;
  onConfirm: () => void;
  onCancel: () => void;
}

function ApprovalConfirm({ email, factors, final, busy, error, onConfirm, onCancel }: ConfirmProps) {
  const headingRef = useFocusOnMount<HTMLHeadingElement>();
  return (
    <div
      role="alertdialog"
      aria-labelledby="approve-confirm-heading"
      aria-describedby="approve-confirm-what"
      data-testid="approve-confirm"
    >
      <h3 id="approve-confirm-heading" ref={headingRef} tabIndex={-1}>
        Approve the recovery of {email}?
      </h3>
      <ErrorAlert error={error} />
      <div id="approve-confirm-what">
        {final ? (
          <>
            <p>Approving removes, at once and for good:</p>
            <ul data-testid="approve-removes">
              {factors.map((f) => (
                <li key={f}>{FACTOR_LABEL[f]}</li>
              ))}
              <li>every signed-in session of the account</li>
            </ul>
            <p>
              Whoever holds the ticket then binds a new authenticator. Approve only if the evidence shows this is the
              account's owner.
            </p>
          </>
        ) : (
          <p>
            This is the first of two approvals: nothing changes yet. When a second agent approves, the account loses{' '}
            {factors.map((f) => FACTOR_LABEL[f]).join(', ') || 'its second factors'} and every session.
          </p>
        )}
      </div>
      <div className="actions">
        <button type="button" className="danger" disabled={busy} onClick={onConfirm}>
          {busy ? 'Approving…' : final ? 'Approve and remove them' : 'Approve (1st of 2)'}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
