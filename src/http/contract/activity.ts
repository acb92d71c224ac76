// /v1/me/sessions and /v1/me/activity: the owner's signed-in browsers and
// recent sign-ins, with the browser in words (src/infra/browser-words.ts).
import { type Static, Type } from 'typebox';
import { ACTIVITY_EVENTS_SHOWN } from '../../domain/policy.ts';
import { ACTIVITY_KINDS, LOGIN_RESULTS, SIGN_IN_FACTORS } from '../../domain/sign-in-activity.ts';
import { closed, Id, Nullable, StringEnum, Time } from './common.ts';

const Browser = Type.String({ description: 'The browser and system in words, e.g. "Chrome 120 on Windows 10".' });
const Ip = Nullable(Type.String({ description: 'The client address the server saw.' }));

export const SessionView = closed({
  sessionId: Type.String(),
  current: Type.Boolean({ description: 'True for the session making this call.' }),
  createdAt: Time,
  lastUsedAt: Time,
  browser: Browser,
  ip: Ip,
});
export const SessionList = closed({
  sessions: Type.Array(SessionView, {
    description: 'The live sessions (not signed out, expired or idle), newest first.',
  }),
});
export const SessionParams = closed({ id: Id });
export const SessionsRevoked = closed({ revoked: Type.Integer({ minimum: 0 }) });

export const ActivityEvent = closed({
  at: Time,
  kind: StringEnum(ACTIVITY_KINDS),
  result: StringEnum(LOGIN_RESULTS),
  factor: Nullable(StringEnum(SIGN_IN_FACTORS)),
  browser: Browser,
  ip: Ip,
});
export const ActivityList = closed({
  events: Type.Array(ActivityEvent, {
    maxItems: ACTIVITY_EVENTS_SHOWN,
    description: 'Sign-in steps of the account, newest first.',
  }),
});

export type SessionView = Static<typeof SessionView>;
export type SessionList = Static<typeof SessionList>;
export type SessionsRevoked = Static<typeof SessionsRevoked>;
export type ActivityEvent = Static<typeof ActivityEvent>;
export type ActivityList = Static<typeof ActivityList>;
