import { type FormEvent, useId, useState } from 'react';
import { decideTicket, type TicketStatus } from '../lib/client.ts';
import { useAction } from '../lib/use-action.ts';
import { ErrorAlert } from './alerts.tsx';

/** Approve or reject, always with a note (it is shown to the user and audited). */
export function DecisionForm({ ticketId, onDecided }: { ticketId: string; onDecided: (status: TicketStatus) => void }) {
  const [note, setNote] = useState('');
  const { run, busy, error } = useAction();
  const noteId = useId();

  function decide(decision: 'approve' | 'reject') {
    return run(async () => {
      const answer = await decideTicket(ticketId, decision, note.trim());
      setNote('');
      onDecided(answer.status);
    });
  }

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const submitter = (e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    void decide(submitter?.value === 'reject' ? 'reject' : 'approve');
  }

  return (
    <section aria-labelledby="decision-heading" className="card">
      <h2 id="decision-heading">Decision</h2>
      <form onSubmit={onSubmit}>
        <ErrorAlert error={error} />
        <div className="field">
          <label htmlFor={noteId}>Note (why)</label>
          <textarea id={noteId} required rows={3} value={note} onChange={(e) => setNote(e.target.value)} />
        </div>
        <div className="actions">
          <button type="submit" name="decision" value="approve" disabled={busy || note.trim() === ''}>
            Approve
          </button>
          <button type="submit" name="decision" value="reject" className="danger" disabled={busy || note.trim() === ''}>
            Reject
          </button>
        </div>
      </form>
    </section>
  );
}
