// Outbox delivery over real SMTP: nodemailer (smtpMailer) to a local
// smtp-server sink, read back with mailparser.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { deliverOutbox } from '../../src/app/deliver-outbox.ts';
import { notifyStaff } from '../../src/app/notifications.ts';
import { smtpMailer } from '../../src/infra/mailer.ts';
import { describeOnEachDatabase } from '../support/harness.ts';

interface Received {
  from: string;
  to: string[];
  subject: string;
  text: string;
}

class Sink {
  readonly received: Received[] = [];
  /** While set, every recipient is refused with a temporary error. */
  failing = false;
  readonly server: SMTPServer;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (_address, _session, callback) => {
        if (this.failing) {
          const error = new Error('mailbox busy, try later') as Error & { responseCode: number };
          error.responseCode = 451;
          callback(error);
          return;
        }
        callback();
      },
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then((mail) => {
            this.received.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              subject: mail.subject ?? '',
              text: mail.text ?? '',
            });
            callback();
          })
          .catch(callback);
      },
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve) => {
      this.server.listen(0, '127.0.0.1', () => resolve((this.server.server.address() as AddressInfo).port));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describeOnEachDatabase('outbox delivery over SMTP', { only: ['sqlite'] }, (h) => {
  let sink: Sink;
  let port: number;
  before(async () => {
    sink = new Sink();
    port = await sink.listen();
  });
  after(async () => sink.close());

  async function enqueue(to: string, subject: string): Promise<void> {
    await notifyStaff(h.ctx, h.ctx.storage.db, to, { subject, body: `Hello ${to}, ${subject}.` });
  }

  const row = (subject: string) =>
    h.ctx.storage.db.selectFrom('outbox').selectAll().where('subject', '=', subject).executeTakeFirstOrThrow();

  test('a queued email is delivered once and marked sent', async () => {
    const mailer = smtpMailer(`smtp://127.0.0.1:${port}`, 'Latchkey <no-reply@latchkey.test>');
    try {
      await enqueue('alice@example.com', 'First notice');
      await enqueue('bob@example.com', 'Second notice');
      assert.equal(await deliverOutbox(h.ctx, mailer), 2);
      assert.deepEqual(
        sink.received.map((m) => [m.to, m.subject]),
        [
          [['alice@example.com'], 'First notice'],
          [['bob@example.com'], 'Second notice'],
        ],
      );
      assert.equal(sink.received[0]?.from, 'no-reply@latchkey.test');
      assert.match(sink.received[0]?.text ?? '', /Hello alice@example\.com, First notice\./);
      const sent = await row('First notice');
      assert.equal(sent.body.includes('Hello'), false, 'the body waits encrypted in the outbox');
      assert.ok(sent.sent_at);
      assert.equal(sent.attempts, 0);
      // Nothing is sent twice.
      assert.equal(await deliverOutbox(h.ctx, mailer), 0);
      assert.equal(sink.received.length, 2);
      const outbox = await h.call('GET', '/v1/test/outbox');
      const listed = outbox.body.messages.find((m: { subject: string }) => m.subject === 'First notice');
      assert.equal(listed.sentAt, sent.sent_at);
    } finally {
      mailer.close();
    }
  });

  test('a failing SMTP server: the message is kept, counted, and delivered on a later run', async () => {
    const mailer = smtpMailer(`smtp://127.0.0.1:${port}`, 'Latchkey <no-reply@latchkey.test>');
    const before = sink.received.length;
    try {
      sink.failing = true;
      await enqueue('carol@example.com', 'Retried notice');
      assert.equal(await deliverOutbox(h.ctx, mailer), 0);
      let pending = await row('Retried notice');
      assert.equal(pending.sent_at, null);
      assert.equal(pending.attempts, 1);
      assert.match(pending.last_error ?? '', /451|busy/);
      assert.equal(await deliverOutbox(h.ctx, mailer), 0);
      assert.equal((await row('Retried notice')).attempts, 2);
      assert.equal(sink.received.length, before);

      sink.failing = false;
      assert.equal(await deliverOutbox(h.ctx, mailer), 1);
      pending = await row('Retried notice');
      assert.ok(pending.sent_at);
      assert.deepEqual(sink.received.at(-1)?.to, ['carol@example.com']);
      assert.equal(sink.received.length, before + 1);
    } finally {
      sink.failing = false;
      mailer.close();
    }
  });

  test('an unreachable SMTP server counts a failed attempt and sends nothing', async () => {
    const closed = new Sink();
    const closedPort = await closed.listen();
    await closed.close();
    const mailer = smtpMailer(`smtp://127.0.0.1:${closedPort}`, 'Latchkey <no-reply@latchkey.test>');
    try {
      await enqueue('dave@example.com', 'Unreachable notice');
      assert.equal(await deliverOutbox(h.ctx, mailer), 0);
      const pending = await row('Unreachable notice');
      assert.equal(pending.sent_at, null);
      assert.equal(pending.attempts, 1);
      assert.ok(pending.last_error);
    } finally {
      mailer.close();
    }
    // The working server then delivers it.
    const working = smtpMailer(`smtp://127.0.0.1:${port}`, 'Latchkey <no-reply@latchkey.test>');
    try {
      assert.equal(await deliverOutbox(h.ctx, working), 1);
      assert.ok((await row('Unreachable notice')).sent_at);
    } finally {
      working.close();
    }
  });
});
