// The repository contract: the same cases on SQLite and PostgreSQL. Races run
// through Promise.all; on PostgreSQL they hit a pool of real connections.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import {
  findAccountById,
  insertAccount,
  keepLaterWithdrawalLock,
  setRebindLockCause,
} from '../../src/storage/accounts-repository.ts';
import {
  consumeBackupCode,
  countUnusedBackupCodes,
  findLiveBackupCodeSet,
  insertBackupCodeSet,
  revokeLiveBackupCodeSet,
} from '../../src/storage/backup-codes-repository.ts';
import { openStorage, type Storage } from '../../src/storage/database.ts';
import {
  appendAudit,
  enqueueMessage,
  listAudit,
  listUnsentMessages,
  markMessageFailed,
  markMessageSent,
} from '../../src/storage/events-repository.ts';
import { endFreeze, freezeReasonOf, insertFreeze } from '../../src/storage/freezes-repository.ts';
import { claimJob, releaseJob } from '../../src/storage/jobs-repository.ts';
import { migrationNames } from '../../src/storage/migrate.ts';
import {
  completeChallenge,
  findChallengeWithAccount,
  findLiveSession,
  insertChallenge,
  insertSession,
  revokeAccountSessions,
  revokeSession,
  takeChallengeAttempt,
  touchSession,
  usableChallengeFailures,
} from '../../src/storage/sessions-repository.ts';
import {
  acceptTotpStep,
  activateTotpBinding,
  findActiveTotpBinding,
  holdPendingTotpBinding,
  insertTotpBinding,
} from '../../src/storage/totp-repository.ts';
import { DIALECTS, freshDatabase, type TestDatabase } from '../support/databases.ts';

const T0 = new Date('2030-01-01T00:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000).toISOString();
const id = () => crypto.randomUUID();
const RACERS = 20;

async function newAccount(storage: Storage, email = `${id()}@example.com`): Promise<string> {
  const accountId = id();
  const inserted = await insertAccount(storage.db, {
    id: accountId,
    email,
    passwordHash: 'x',
    role: 'user',
    createdAt: new Date(at(0)),
  });
  assert.equal(inserted, true);
  return accountId;
}

async function newBinding(storage: Storage, accountId: string, status: 'pending' | 'active'): Promise<string> {
  const bindingId = id();
  await insertTotpBinding(storage.db, {
    id: bindingId,
    account_id: accountId,
    secret_enc: 'v1.x.y.z',
    status,
    purpose: 'enroll',
    created_at: at(0),
    expires_at: at(900),
    confirmed_at: status === 'active' ? at(0) : null,
    retired_at: null,
    last_step: null,
    drift_steps: 0,
    burnt_step: null,
  });
  return bindingId;
}

async function newCodeSet(storage: Storage, accountId: string, hashes: string[]): Promise<string> {
  const setId = id();
  await insertBackupCodeSet(
    storage.db,
    {
      id: setId,
      account_id: accountId,
      salt: 's',
      pepper_version: 'v1',
      issued_at: at(0),
      revoked_at: null,
      reveal_token_hash: null,
      reveal_codes_enc: null,
      reveal_expires_at: null,
    },
    hashes.map((code_hash, position) => ({ id: id(), set_id: setId, position, code_hash, used_at: null })),
  );
  return setId;
}

test('freezes: freezeReasonOf reads its own prefixed columns, not ones an accounts column could share a name with', () => {
  // The challenge read puts the freeze columns beside selectAll('accounts'):
  // an accounts column named `owner` or `review` must not pass for a freeze.
  const row = { owner: 1, review: 1, freeze_owner: 0, freeze_review: 0 };
  assert.equal(freezeReasonOf(row), null);
  assert.equal(freezeReasonOf({ ...row, freeze_review: 1 }), 'identity_verification');
  assert.equal(freezeReasonOf({ ...row, freeze_owner: true, freeze_review: 1 }), 'owner');
});

const exactlyOne = (results: boolean[]) =>
  assert.equal(results.filter(Boolean).length, 1, `winners: ${results.filter(Boolean).length}`);

for (const dialect of DIALECTS) {
  describe(`repository contract (${dialect})`, () => {
    let database: TestDatabase;
    let storage: Storage;
    const open = () =>
      openStorage({
        databaseUrl: database.databaseUrl,
        dataDir: database.dataDir,
        ...(database.schema ? { schema: database.schema } : {}),
      });

    before(async () => {
      database = await freshDatabase(dialect);
      storage = await open();
    });
    after(async () => {
      await storage.close();
      await database.drop();
    });

    test('migrations are idempotent: opening the database again changes nothing', async () => {
      const again = await open();
      const second = await open();
      try {
        const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(again.db);
        // Every migration recorded once, none twice, whatever their number.
        assert.deepEqual(
          rows.rows.map((r) => r.name),
          await migrationNames(dialect),
        );
        await second.db.selectFrom('accounts').select('id').limit(1).execute();
      } finally {
        await again.close();
        await second.close();
      }
    });

    test('accounts: the email is unique', async () => {
      const email = `${id()}@example.com`;
      await newAccount(storage, email);
      const twice = await insertAccount(storage.db, {
        id: id(),
        email,
        passwordHash: 'y',
        role: 'user',
        createdAt: new Date(at(1)),
      });
      assert.equal(twice, false);
      const rows = await storage.db.selectFrom('accounts').select('id').where('email', '=', email).execute();
      assert.equal(rows.length, 1);
    });

    test('accounts: read back as records (camelCase, Dates, unions), locks included', async () => {
      const accountId = await newAccount(storage);
      const fresh = await findAccountById(storage.db, accountId);
      assert.deepEqual(fresh && { ...fresh, email: '' }, {
        id: accountId,
        email: '',
        passwordHash: 'x',
        role: 'user',
        createdAt: new Date(at(0)),
        withdrawalLock: { lockedUntil: null, reason: null },
        pendingRecoveryLock: null,
      });
      await setRebindLockCause(storage.db, accountId, 'lost_two_factor_recovery');
      assert.equal((await findAccountById(storage.db, accountId))?.pendingRecoveryLock, 'lost_two_factor_recovery');
      await keepLaterWithdrawalLock(storage.db, accountId, new Date(at(3600)), 'recovery');
      const locked = await findAccountById(storage.db, accountId);
      assert.deepEqual(locked?.withdrawalLock, { lockedUntil: new Date(at(3600)), reason: 'recovery' });
      assert.equal(locked?.pendingRecoveryLock, null, 'the lock clears the pending recovery lock');
    });

    test('accounts: concurrent sign-ups with one email make exactly one account', async () => {
      const email = `${id()}@example.com`;
      const results = await Promise.all(
        Array.from({ length: RACERS }, () =>
          insertAccount(storage.db, {
            id: id(),
            email,
            passwordHash: 'x',
            role: 'user',
            createdAt: new Date(at(0)),
          }),
        ),
      );
      exactlyOne(results);
    });

    test('sessions: live until revoked or expired', async () => {
      const accountId = await newAccount(storage);
      const sessionId = id();
      const tokenHash = id();
      await insertSession(storage.db, {
        id: sessionId,
        account_id: accountId,
        token_hash: tokenHash,
        created_at: at(0),
        expires_at: at(3600),
        revoked_at: null,
        ip: '127.0.0.1',
        user_agent: 'test',
        last_seen_at: null,
        second_factor_at: null,
        second_factor_method: null,
      });
      const live = await findLiveSession(storage.db, tokenHash, at(10));
      assert.equal(live?.session.id, sessionId);
      // The account and its freeze come with it.
      assert.equal(live?.account.id, accountId);
      assert.equal(live?.frozen, null);
      // Use is recorded at most once a minute.
      await touchSession(storage.db, sessionId, at(30), at(-30));
      await touchSession(storage.db, sessionId, at(40), at(-20));
      assert.equal((await findLiveSession(storage.db, tokenHash, at(50)))?.session.last_seen_at, at(30));
      assert.equal(await findLiveSession(storage.db, tokenHash, at(3600)), undefined);
      await revokeSession(storage.db, sessionId, at(20));
      assert.equal(await findLiveSession(storage.db, tokenHash, at(21)), undefined);
    });

    test('sessions: revoking all but one', async () => {
      const accountId = await newAccount(storage);
      const ids = [id(), id(), id()];
      for (const sessionId of ids) {
        await insertSession(storage.db, {
          id: sessionId,
          account_id: accountId,
          token_hash: sessionId,
          created_at: at(0),
          expires_at: at(3600),
          revoked_at: null,
          ip: null,
          user_agent: null,
          last_seen_at: null,
          second_factor_at: null,
          second_factor_method: null,
        });
      }
      assert.equal(await revokeAccountSessions(storage.db, accountId, at(5), ids[0]), 2);
      assert.ok(await findLiveSession(storage.db, ids[0] as string, at(6)));
      assert.equal(await findLiveSession(storage.db, ids[1] as string, at(6)), undefined);
    });

    test('challenges: completeChallenge wins exactly once under 20 concurrent calls', async () => {
      const accountId = await newAccount(storage);
      const challengeId = id();
      const tokenHash = id();
      await insertChallenge(storage.db, {
        id: challengeId,
        account_id: accountId,
        token_hash: tokenHash,
        created_at: at(0),
        expires_at: at(300),
        failed_attempts: 0,
        completed_at: null,
        ip: null,
        user_agent: null,
        purpose: 'login',
      });
      exactlyOne(
        await Promise.all(Array.from({ length: RACERS }, () => completeChallenge(storage.db, challengeId, at(10), 5))),
      );
      assert.equal(await completeChallenge(storage.db, challengeId, at(11), 5), false);
      assert.equal((await findChallengeWithAccount(storage.db, tokenHash))?.challenge.completed_at, at(10));
    });

    test('challenges: findChallengeWithAccount reads the challenge, its account and the freeze of that account alone', async () => {
      const accountId = await newAccount(storage);
      const other = await newAccount(storage);
      const tokenHash = id();
      const challenge = {
        id: id(),
        account_id: accountId,
        token_hash: tokenHash,
        created_at: at(0),
        expires_at: at(300),
        failed_attempts: 2,
        completed_at: null,
        ip: '203.0.113.9',
        user_agent: 'agent',
        purpose: 'recovery' as const,
      };
      await insertChallenge(storage.db, challenge);
      assert.equal(await findChallengeWithAccount(storage.db, id()), undefined);
      const found = await findChallengeWithAccount(storage.db, tokenHash);
      assert.deepEqual(found?.challenge, challenge);
      assert.deepEqual(found?.account, await findAccountById(storage.db, accountId));
      assert.equal(found?.frozen, null);
      // Another account's freeze is not this one's.
      await insertFreeze(storage.db, { id: id(), accountId: other, via: 'email_link', at: at(1) });
      assert.equal((await findChallengeWithAccount(storage.db, tokenHash))?.frozen, null);
      await insertFreeze(storage.db, { id: id(), accountId, via: 'security_page', at: at(2) });
      assert.equal((await findChallengeWithAccount(storage.db, tokenHash))?.frozen, 'owner');
      await endFreeze(storage.db, accountId, id(), at(3));
      assert.equal((await findChallengeWithAccount(storage.db, tokenHash))?.frozen, null);
    });

    test('challenges: failures are counted; a challenge at the limit or expired cannot be completed', async () => {
      const accountId = await newAccount(storage);
      const challengeId = id();
      await insertChallenge(storage.db, {
        id: challengeId,
        account_id: accountId,
        token_hash: id(),
        created_at: at(0),
        expires_at: at(300),
        failed_attempts: 0,
        completed_at: null,
        ip: null,
        user_agent: null,
        purpose: 'login',
      });
      // Expired (at or past expires_at): no attempt taken, none left to read, as completeChallenge refuses it.
      assert.equal(await takeChallengeAttempt(storage.db, challengeId, at(300), 5), undefined);
      assert.equal(await usableChallengeFailures(storage.db, challengeId, at(300), 5), undefined);
      assert.equal(await usableChallengeFailures(storage.db, challengeId, at(299), 5), 0);
      // 20 concurrent takers of 5 attempts: exactly 5 get one, numbered 1..5.
      const counts = await Promise.all(
        Array.from({ length: 20 }, () => takeChallengeAttempt(storage.db, challengeId, at(10), 5)),
      );
      assert.deepEqual(counts.filter((c) => c !== undefined).sort(), [1, 2, 3, 4, 5]);
      assert.equal(await takeChallengeAttempt(storage.db, challengeId, at(10), 5), undefined);
      assert.equal(await usableChallengeFailures(storage.db, challengeId, at(10), 5), undefined);
      // Five wrong codes: a right one cannot complete it either, while it has not expired.
      assert.equal(await completeChallenge(storage.db, challengeId, at(10), 5), false);
      assert.equal(await completeChallenge(storage.db, challengeId, at(300), 6), false, 'expired');
    });

    test('totp: acceptTotpStep records a step once under 20 concurrent calls, and only later steps after it', async () => {
      const accountId = await newAccount(storage);
      const bindingId = await newBinding(storage, accountId, 'active');
      exactlyOne(
        await Promise.all(Array.from({ length: RACERS }, () => acceptTotpStep(storage.db, bindingId, 1000, 1))),
      );
      assert.equal(await acceptTotpStep(storage.db, bindingId, 1000, 0), false);
      assert.equal(await acceptTotpStep(storage.db, bindingId, 999, 0), false);
      assert.equal(await acceptTotpStep(storage.db, bindingId, 1001, -1), true);
      const row = await findActiveTotpBinding(storage.db, accountId);
      assert.equal(row?.last_step, 1001);
      assert.equal(row?.drift_steps, -1);
      // Steps beyond 2^31 (T beyond 2038 at small periods; big numbers on PostgreSQL bigint).
      assert.equal(await acceptTotpStep(storage.db, bindingId, 2 ** 33, 0), true);
      assert.equal((await findActiveTotpBinding(storage.db, accountId))?.last_step, 2 ** 33);
    });

    test('totp: a pending binding takes no codes; of concurrent confirmations one activates it, never after expiry', async () => {
      const accountId = await newAccount(storage);
      const pending = await newBinding(storage, accountId, 'pending');
      assert.equal(await acceptTotpStep(storage.db, pending, 5, 0), false);
      assert.equal(await holdPendingTotpBinding(storage.db, pending, at(900)), false, 'expired at 900 s');
      const confirm = (bindingId: string, now: string) =>
        storage.db.transaction().execute(async (trx) => {
          if (!(await holdPendingTotpBinding(trx, bindingId, now))) return false;
          await activateTotpBinding(trx, bindingId, now, 5);
          return true;
        });
      exactlyOne(await Promise.all(Array.from({ length: RACERS }, () => confirm(pending, at(60)))));
      assert.equal((await findActiveTotpBinding(storage.db, accountId))?.id, pending);
      // One active binding per account, enforced by the database.
      const other = await newBinding(storage, accountId, 'pending');
      await assert.rejects(confirm(other, at(61)));
    });

    test('backup codes: consumeBackupCode succeeds exactly once under 20 concurrent calls', async () => {
      const accountId = await newAccount(storage);
      const hashes = Array.from({ length: 8 }, (_, i) => `hash-${i}-${id()}`);
      const setId = await newCodeSet(storage, accountId, hashes);
      exactlyOne(
        await Promise.all(
          Array.from({ length: RACERS }, () => consumeBackupCode(storage.db, setId, hashes[2] as string, at(1))),
        ),
      );
      assert.equal(await countUnusedBackupCodes(storage.db, setId), 7);
      assert.equal(await consumeBackupCode(storage.db, setId, 'no-such-hash', at(2)), false);
      assert.equal(await consumeBackupCode(storage.db, setId, hashes[3] as string, at(2)), true);
      assert.equal(await countUnusedBackupCodes(storage.db, setId), 6);
    });

    test('backup codes: revoking the set kills its codes; one live set per account', async () => {
      const accountId = await newAccount(storage);
      const hashes = Array.from({ length: 8 }, (_, i) => `hash-${i}-${id()}`);
      const setId = await newCodeSet(storage, accountId, hashes);
      assert.equal((await findLiveBackupCodeSet(storage.db, accountId))?.id, setId);
      await assert.rejects(newCodeSet(storage, accountId, [`x-${id()}`]), 'a second live set is refused');
      await revokeLiveBackupCodeSet(storage.db, accountId, at(5));
      assert.equal(await findLiveBackupCodeSet(storage.db, accountId), undefined);
      assert.equal(await consumeBackupCode(storage.db, setId, hashes[0] as string, at(6)), false);
      const next = await newCodeSet(storage, accountId, [`y-${id()}`]);
      assert.equal((await findLiveBackupCodeSet(storage.db, accountId))?.id, next);
    });

    test('audit log is append-only: UPDATE and DELETE are rejected by the database', async () => {
      const accountId = await newAccount(storage);
      await appendAudit(storage.db, { accountId, event: 'test_event', details: { n: 1 }, at: at(0) });
      await appendAudit(storage.db, { accountId, event: 'test_event_2', at: at(1) });
      await assert.rejects(
        storage.db.updateTable('audit_log').set({ event: 'forged' }).where('account_id', '=', accountId).execute(),
        /append-only/,
      );
      await assert.rejects(
        storage.db.deleteFrom('audit_log').where('account_id', '=', accountId).execute(),
        /append-only/,
      );
      await assert.rejects(sql`delete from audit_log`.execute(storage.db), /append-only/);
      const rows = await listAudit(storage.db, accountId);
      assert.deepEqual(
        rows.map((r) => [r.event, JSON.parse(r.details)]),
        [
          ['test_event', { n: 1 }],
          ['test_event_2', {}],
        ],
      );
    });

    test('claimJob: one winner among concurrent claimers; the lease expires; release frees it', async () => {
      const name = `job-${id()}`;
      const now = new Date(T0);
      exactlyOne(await Promise.all(Array.from({ length: RACERS }, () => claimJob(storage.db, name, now, 60_000))));
      assert.equal(await claimJob(storage.db, name, new Date(now.getTime() + 59_999), 60_000), false);
      assert.equal(await claimJob(storage.db, name, new Date(now.getTime() + 60_000), 60_000), true);
      await releaseJob(storage.db, name);
      assert.equal(await claimJob(storage.db, name, new Date(now.getTime() + 60_001), 60_000), true);
    });

    test('outbox: messages come out in the order they went in; sent once; failures counted', async () => {
      // The outbox is global: drain what earlier cases left.
      for (const m of await listUnsentMessages(storage.db, 'email', 1000))
        await markMessageSent(storage.db, m.id, at(0));
      const subjects = Array.from({ length: 6 }, (_, i) => `message ${i} ${id()}`);
      for (const subject of subjects) {
        await enqueueMessage(storage.db, {
          channel: 'email',
          recipient: 'a@example.com',
          subject,
          body: 'hello',
          createdAt: at(0),
        });
      }
      const unsent = await listUnsentMessages(storage.db, 'email', 100);
      assert.deepEqual(
        unsent.map((m) => m.subject),
        subjects,
      );
      const first = unsent[0];
      assert.ok(first);
      exactlyOne(await Promise.all(Array.from({ length: 5 }, () => markMessageSent(storage.db, first.id, at(1)))));
      const second = unsent[1];
      assert.ok(second);
      for (let i = 0; i < 10; i += 1) await markMessageFailed(storage.db, second.id, `boom ${i}`);
      const left = await listUnsentMessages(storage.db, 'email', 100);
      assert.deepEqual(
        left.map((m) => m.subject),
        subjects.slice(2),
        'sent and given-up messages are not listed again',
      );
      assert.deepEqual(
        (await listUnsentMessages(storage.db, 'email', 2)).map((m) => m.subject),
        subjects.slice(2, 4),
      );
    });
  });
}
