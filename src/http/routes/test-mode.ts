// /v1/test: the test clock and outbox, registered only with
// LATCHKEY_TEST_MODE=1, so elsewhere these paths answer 404 like any unknown route.
import type { AppContext } from '../../app/context.ts';
import { testOutbox } from '../../app/test-outbox.ts';
import type { TestClock } from '../../clock.ts';
import type { App } from '../app-type.ts';
import { ClockView, Outbox, SetClockBody } from '../contract/test-mode.ts';

const tags = ['test mode'];

export async function testModeRoutes(
  app: App,
  { ctx, clock, runJobs }: { ctx: AppContext; clock: TestClock; runJobs: () => Promise<void> },
): Promise<void> {
  app.get(
    '/clock',
    { schema: { operationId: 'getTestClock', tags, summary: 'The test clock', response: { 200: ClockView } } },
    async () => ({ now: clock.now().toISOString() }),
  );

  app.post(
    '/clock',
    {
      schema: {
        operationId: 'setTestClock',
        tags,
        summary: 'Move the test clock (every rule follows it); runs the periodic jobs',
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

  app.get(
    '/outbox',
    {
      schema: {
        operationId: 'getTestOutbox',
        tags,
        summary: 'Every email and SMS the server queued',
        response: { 200: Outbox },
      },
    },
    async () => ({ messages: await testOutbox(ctx) }),
  );
}
