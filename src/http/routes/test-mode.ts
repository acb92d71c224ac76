// Test clock and outbox: registered only with LATCHKEY_TEST_MODE=1, so
// elsewhere these paths answer 404 like any unknown route.
import { Type } from 'typebox';
import type { AppContext } from '../../app/context.ts';
import { readOutboxRecipient, readOutboxSms } from '../../app/sms-codes.ts';
import type { TestClock } from '../../clock.ts';
import { listAllMessages } from '../../storage/events-repository.ts';
import type { App } from '../app-type.ts';

export function testModeRoutes(app: App, ctx: AppContext, clock: TestClock, runJobs: () => Promise<void>): void {
  app.get('/v1/test/clock', { schema: { tags: ['test mode'] } }, async () => ({ now: clock.now().toISOString() }));

  app.post(
    '/v1/test/clock',
    {
      schema: {
        tags: ['test mode'],
        body: Type.Union([
          Type.Object(
            { advanceSeconds: Type.Number({ minimum: -1e10, maximum: 1e10 }) },
            { additionalProperties: false },
          ),
          Type.Object({ set: Type.String({ format: 'date-time' }) }, { additionalProperties: false }),
        ]),
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

  app.get('/v1/test/outbox', { schema: { tags: ['test mode'] } }, async () => ({
    messages: (await listAllMessages(ctx.storage.db)).map((m) => ({
      channel: m.channel,
      to: readOutboxRecipient(ctx, m),
      subject: m.subject,
      body: readOutboxSms(ctx, m),
      sentAt: m.sent_at ?? m.created_at,
    })),
  }));
}
