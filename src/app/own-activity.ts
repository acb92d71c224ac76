// The owner's own sign-in activity: the login history support already sees,
// bounded (policy.ts) and told in words (the browser and system, not the raw
// user agent).
import { ACTIVITY_EVENTS_SHOWN, ACTIVITY_WINDOW_MS } from '../domain/policy.ts';
import {
  type ActivityKind,
  activityKind,
  type LoginResult,
  type SignInFactor,
  signInFactor,
} from '../domain/sign-in-activity.ts';
import { describeBrowser } from '../infra/browser-words.ts';
import { listLoginEvents } from '../storage/events-repository.ts';
import type { AppContext } from './context.ts';

export interface ActivityEvent {
  readonly at: string;
  readonly kind: ActivityKind;
  readonly result: LoginResult;
  readonly factor: SignInFactor | null;
  readonly browser: string;
  readonly ip: string | null;
}

/** Newest first: at most ACTIVITY_EVENTS_SHOWN events of the last ACTIVITY_WINDOW_MS. */
export async function ownActivity(ctx: AppContext, accountId: string): Promise<ActivityEvent[]> {
  const since = new Date(ctx.clock.now().getTime() - ACTIVITY_WINDOW_MS).toISOString();
  const events = await listLoginEvents(ctx.storage.db, accountId, ACTIVITY_EVENTS_SHOWN, since);
  return events.map((e) => ({
    at: e.at,
    kind: activityKind(e.factor),
    result: e.result,
    factor: signInFactor(e.factor),
    browser: describeBrowser(e.user_agent),
    ip: e.ip,
  }));
}
