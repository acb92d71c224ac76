import { useCallback, useEffect, useState } from 'react';
import { ErrorAlert, Notice } from '../components/alerts.tsx';
import { ComparisonPanel } from '../components/comparison-panel.tsx';
import { DecisionForm } from '../components/decision-form.tsx';
import { EvidenceViewer } from '../components/evidence-viewer.tsx';
import { LoginHistoryTable } from '../components/login-history-table.tsx';
import { Page } from '../components/page.tsx';
import { TicketSummary } from '../components/ticket-summary.tsx';
import { getSupportTicket, type SupportTicketView, type TicketStatus } from '../lib/client.ts';
import { TICKET_STATUS_LABEL } from '../lib/format.ts';
import { useAction } from '../lib/use-action.ts';

export function SupportTicketPage({ ticketId, agentEmail }: { ticketId: string; agentEmail: string }) {
  const [view, setView] = useState<SupportTicketView | null>(null);
  const { run, error } = useAction();
  const [decided, setDecided] = useState<TicketStatus | null>(null);

  const load = useCallback(() => run(async () => setView(await getSupportTicket(ticketId))), [run, ticketId]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <Page title="Recovery ticket review" wide>
      <p>
        <a href="#/support">← Back to the queue</a>
      </p>
      <ErrorAlert error={error} />
      {decided ? <Notice tone="ok">Recorded. The ticket is now: {TICKET_STATUS_LABEL[decided]}.</Notice> : null}
      {view ? (
        <>
          <TicketSummary ticket={view.ticket} />
          <EvidenceViewer ticketId={ticketId} evidence={view.evidence} />
          <ComparisonPanel claimant={view.claimant} comparison={view.comparison} />
          <LoginHistoryTable history={view.loginHistory} />
          {view.ticket.status !== 'in_review' ? null : view.ticket.approvals.some(
              (a) => a.agentEmail.toLowerCase() === agentEmail.toLowerCase(),
            ) ? (
            <p className="card" data-testid="awaiting-second-agent">
              You have decided on this ticket. A different agent must give the second approval.
            </p>
          ) : (
            <DecisionForm
              ticketId={ticketId}
              email={view.ticket.email}
              factors={view.factors}
              approvalIsFinal={
                view.ticket.approvals.filter((a) => a.decision === 'approve').length + 1 >=
                view.ticket.approvalsRequired
              }
              onDecided={(status) => {
                setDecided(status);
                void load();
              }}
            />
          )}
        </>
      ) : error ? null : (
        <p role="status">Loading…</p>
      )}
    </Page>
  );
}
