// The second-factor step's view of the account's open recovery tickets, and
// cancelling them with a second factor (issue 11 #4). The login challenge
// proves the password; cancelling also needs the account's second factor
// (never SMS alone), through the one gate.
import { Type } from 'typebox';
import { cancelTicketsWithSecondFactor, openTicketsForChallenge } from '../../app/cancel-recovery-tickets.ts';
import type { AppContext } from '../../app/context.ts';
import type { App } from '../app-type.ts';
import { origin } from '../auth.ts';
import { TicketKindSchema, TicketStatusSchema } from '../recovery-schemas.ts';
import { closed, StepUpFields, Token, Warning } from '../schemas.ts';

const Time = Type.String({ format: 'date-time' });
const OpenTicketSummary = Type.Object({
  ticketId: Type.String(),
  kind: TicketKindSchema,
  status: TicketStatusSchema,
  openedAt: Time,
  reviewDueBy: Type.Union([Time, Type.Null()]),
});

export function recoveryTicketCancelRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/v1/sessions/recovery-tickets',
    {
      schema: {
        tags: ['sessions'],
        summary: "The account's open recovery tickets, shown on the second-factor step (login challenge)",
        querystring: closed({ challenge: Token }),
        response: { 200: Type.Object({ tickets: Type.Array(OpenTicketSummary) }) },
      },
    },
    async (request) => openTicketsForChallenge(ctx, request.query.challenge),
  );

  app.post(
    '/v1/sessions/recovery-tickets/cancel',
    {
      schema: {
        tags: ['sessions'],
        summary: "Cancel the account's open recovery tickets with its second factor (ends a freeze)",
        body: closed({ challenge: Token, ...StepUpFields }),
        response: {
          200: Type.Object({
            cancelled: Type.Array(Type.String()),
            warnings: Type.Array(Warning),
            backupCodesRemaining: Type.Optional(Type.Integer()),
          }),
        },
      },
    },
    async (request) => {
      const done = await cancelTicketsWithSecondFactor(ctx, request.body, origin(request));
      return {
        cancelled: done.cancelled,
        warnings: done.warnings,
        ...(done.backupCodesRemaining !== undefined ? { backupCodesRemaining: done.backupCodesRemaining } : {}),
      };
    },
  );
}
