// Test clock and outbox: registered only with LATCHKEY_TEST_MODE=1, so
// elsewhere these paths answer 404 like any unknown route.

import type { AppContext } from '../../app/context.ts';
import { readOutboxSms } from '../../app/sms-codes.ts';
import type { TestClock } from '../../clock.ts';
import { listAllMessages } from '../../storage/events-repository.ts';
import type { App } from '../app-type.ts';
import { ClockView, Outbox, SetClockBody } from '../contract/test-mode.ts';

export function testModeRoutes(app: App, ctx: AppContext, clock: TestClock, runJobs: () => Promise<void>): void {
  app.get('/v1/test/clock', { schema: { tags: ['test mode'], response: { 200: ClockView } } }, async () => ({
    now: clock.now().toISOString(),
  }));

  app.post(
    '/v1/test/clock',
    {
      schema: {
        tags: ['test mode'],
        body: SetClockBody,
        response: { 200: ClockView },
      },
    },
    async (request) => {
      const body = request.body;
      const now = 'advanceSeconds' in body ? clock.advance(body.advanceSeconds) : clock.set(new Date(body.set));
      // Time-driven rules (reveal purge, overdue tickets) run as soon as time moves.
      await runJobs();
      return { now: now.toISOString() };
    },
  );

  app.get('/v1/test/outbox', { schema: { tags: ['test mode'], response: { 200: Outbox } } }, async () => ({
    messages: (await listAllMessages(ctx.storage.db)).map((m) => ({
      channel: m.channel,
      to: m.recipient,
      subject: m.subject,
      body: readOutboxSms(ctx, m),
      sentAt: m.sent_at ?? m.created_at,
    })),
  }));
}
