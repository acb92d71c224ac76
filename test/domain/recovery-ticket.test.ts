import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DomainError } from '../../src/domain/errors.ts';
import {
  approvalsRequired,
  assertAcceptsEvidence,
  decide,
  evidenceDueBy,
  expire,
  freezesLogins,
  isLapsed,
  isOverdue,
  MAX_EVIDENCE_PER_TICKET,
  reviewDueBy,
  submit,
  type TicketFacts,
  type TicketStatus,
} from '../../src/domain/recovery-ticket.ts';

const OPENED = new Date('2031-01-02T10:00:00.000Z');
const ticket = (over: Partial<TicketFacts> = {}): TicketFacts => ({
  kind: 'lost_two_factor',
  status: 'awaiting_evidence',
  accountId: 'owner',
  evidenceDueBy: evidenceDueBy(OPENED),
  reviewDueBy: null,
  ...over,
});
const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return 'ok';
};
const later = (hours: number) => new Date(OPENED.getTime() + hours * 3600_000);

test('evidence is due 14 days after opening', () => {
  assert.equal(evidenceDueBy(OPENED).toISOString(), '2031-01-16T10:00:00.000Z');
});

test('submit: only from awaiting_evidence, within the window, with an identity document', () => {
  const rows: Array<[string, Partial<TicketFacts>, Date, string[], string]> = [
    ['with an ID', {}, later(1), ['id_document'], 'ok'],
    ['ID among others', {}, later(1), ['selfie_video', 'id_document'], 'ok'],
    ['no evidence', {}, later(1), [], 'evidence_required'],
    ['no ID', {}, later(1), ['login_history', 'selfie_video'], 'evidence_required'],
    ['after the window', {}, later(14 * 24), ['id_document'], 'invalid_state'],
    ['already in review', { status: 'in_review' }, later(1), ['id_document'], 'invalid_state'],
    ['approved', { status: 'approved' }, later(1), ['id_document'], 'invalid_state'],
    ['expired', { status: 'expired' }, later(1), ['id_document'], 'invalid_state'],
  ];
  for (const [name, over, now, kinds, expected] of rows) {
    assert.equal(
      code(() => submit(ticket(over), now, kinds, [])),
      expected,
      name,
    );
  }
  const next = submit(ticket(), later(1), ['id_document'], []);
  assert.equal(next.status, 'in_review');
  assert.equal(next.reviewDueBy.toISOString(), later(73).toISOString(), '72 hours after submission');
});

test('review deadlines: 72 hours, or 15 business days', () => {
  assert.equal(
    reviewDueBy('lost_two_factor', new Date('2031-01-03T10:00:00.000Z'), []).toISOString(),
    '2031-01-06T10:00:00.000Z',
  );
  assert.equal(
    reviewDueBy('full_verification', new Date('2031-01-03T10:00:00.000Z'), []).toISOString(),
    '2031-01-24T10:00:00.000Z',
  );
  assert.equal(
    reviewDueBy('full_verification', new Date('2031-01-03T10:00:00.000Z'), ['2031-01-14']).toISOString(),
    '2031-01-27T10:00:00.000Z',
  );
});

test('expire: only awaiting_evidence, only once the window has passed', () => {
  const statuses: TicketStatus[] = ['in_review', 'approved', 'rejected', 'expired'];
  for (const status of statuses)
    assert.equal(
      code(() => expire(ticket({ status }), later(15 * 24))),
      'invalid_state',
      status,
    );
  assert.equal(
    code(() => expire(ticket(), later(13 * 24))),
    'invalid_state',
    'too early',
  );
  assert.deepEqual(expire(ticket(), later(14 * 24)), { status: 'expired' });
  assert.equal(isLapsed(ticket(), later(14 * 24 - 1)), false);
  assert.equal(isLapsed(ticket(), later(14 * 24)), true);
  assert.equal(isLapsed(ticket({ status: 'in_review' }), later(100 * 24)), false, 'a submitted ticket never lapses');
});

test('decide: one approval for lost 2FA, two different agents for full verification', () => {
  const lost = ticket({ status: 'in_review' });
  assert.deepEqual(decide(lost, [], 'a1', 'approve'), {
    status: 'approved',
    final: true,
    approvals: 1,
    approvalsRequired: 1,
  });
  assert.deepEqual(decide(lost, [], 'a1', 'reject'), {
    status: 'rejected',
    final: true,
    approvals: 0,
    approvalsRequired: 1,
  });

  const full = ticket({ kind: 'full_verification', status: 'in_review' });
  assert.equal(approvalsRequired('full_verification'), 2);
  const first = decide(full, [], 'a1', 'approve');
  assert.deepEqual(first, { status: 'in_review', final: false, approvals: 1, approvalsRequired: 2 });
  assert.equal(
    code(() => decide(full, [{ agentId: 'a1', decision: 'approve' }], 'a1', 'approve')),
    'already_decided',
    'same agent twice',
  );
  assert.deepEqual(decide(full, [{ agentId: 'a1', decision: 'approve' }], 'a2', 'approve').status, 'approved');
  assert.deepEqual(decide(full, [{ agentId: 'a1', decision: 'approve' }], 'a2', 'reject').status, 'rejected');
});

test('evidence: only while awaiting it, and at most MAX_EVIDENCE_PER_TICKET files', () => {
  assert.equal(
    code(() => assertAcceptsEvidence(ticket(), later(1), 0)),
    'ok',
  );
  assert.equal(
    code(() => assertAcceptsEvidence(ticket(), later(1), MAX_EVIDENCE_PER_TICKET - 1)),
    'ok',
  );
  assert.equal(
    code(() => assertAcceptsEvidence(ticket(), later(1), MAX_EVIDENCE_PER_TICKET)),
    'invalid_state',
  );
  assert.equal(
    code(() => assertAcceptsEvidence(ticket({ status: 'in_review' }), later(1), 0)),
    'invalid_state',
  );
  assert.equal(
    code(() => assertAcceptsEvidence(ticket(), later(14 * 24), 0)),
    'invalid_state',
  );
});

test('decide: invalid moves', () => {
  assert.equal(
    code(() => decide(ticket(), [], 'a1', 'approve')),
    'invalid_state',
    'awaiting evidence',
  );
  assert.equal(
    code(() => decide(ticket({ status: 'expired' }), [], 'a1', 'approve')),
    'invalid_state',
  );
  assert.equal(
    code(() => decide(ticket({ status: 'approved' }), [], 'a1', 'reject')),
    'already_decided',
  );
  assert.equal(
    code(() => decide(ticket({ status: 'rejected' }), [], 'a1', 'approve')),
    'already_decided',
  );
  assert.equal(
    code(() => decide(ticket({ status: 'in_review' }), [], 'owner', 'approve')),
    'own_ticket',
  );
});

test('freezing and overdue', () => {
  assert.equal(freezesLogins({ kind: 'full_verification', status: 'in_review' }), true);
  assert.equal(freezesLogins({ kind: 'full_verification', status: 'awaiting_evidence' }), false);
  assert.equal(freezesLogins({ kind: 'lost_two_factor', status: 'in_review' }), false);
  const due = later(72);
  assert.equal(isOverdue({ status: 'in_review', reviewDueBy: due }, later(71)), false);
  assert.equal(isOverdue({ status: 'in_review', reviewDueBy: due }, later(72)), true);
  assert.equal(isOverdue({ status: 'approved', reviewDueBy: due }, later(100)), false);
});
