// The test clock and outbox under /v1/test (LATCHKEY_TEST_MODE=1 only).
import { type Static, Type } from 'typebox';
import { closed, Time } from './common.ts';

export const ClockView = closed({ now: Time });
export const SetClockBody = Type.Union([
  closed({ advanceSeconds: Type.Number({ minimum: -1e10, maximum: 1e10 }) }),
  closed({ set: Time }),
]);
export const OutboxMessage = closed({
  channel: Type.Union([Type.Literal('email'), Type.Literal('sms')]),
  to: Type.String(),
  subject: Type.String(),
  body: Type.String(),
  sentAt: Time,
});
export const Outbox = closed({ messages: Type.Array(OutboxMessage) });

export type ClockView = Static<typeof ClockView>;
export type SetClockBody = Static<typeof SetClockBody>;
export type OutboxMessage = Static<typeof OutboxMessage>;
export type Outbox = Static<typeof Outbox>;
