// /v1/account-freezes: the owner freezes the account, with the token of a
// security email's link (no session: the email is the proof) or signed in.
// A POST, never a GET: mail scanners fetch links, and must not freeze.
import type { AppContext } from '../../app/context.ts';
import { freezeSignedIn, freezeWithLink } from '../../app/freeze-account.ts';
import type { App } from '../app-type.ts';
import { allowSession, clearSessionCookies, origin, sessionOf } from '../auth.ts';
import { FreezeBody, Frozen } from '../contract/account-freezes.ts';

export async function accountFreezeRoutes(app: App, { ctx }: { ctx: AppContext }): Promise<void> {
  allowSession(app);
  app.post(
    '',
    {
      schema: {
        operationId: 'freezeAccount',
        tags: ['account security'],
        summary:
          '"This wasn\'t me": freeze the account (sign-ins, withdrawals and sessions stop until a recovery ticket is approved)',
        body: FreezeBody,
        response: { 200: Frozen },
      },
      config: { problems: ['invalid_token', 'account_frozen'] },
    },
    async (request, reply) => {
      if (request.body.token !== undefined) return freezeWithLink(ctx, request.body.token, origin(request));
      const auth = await sessionOf(ctx, request);
      const frozen = await freezeSignedIn(ctx, auth.account, origin(request));
      clearSessionCookies(ctx, reply);
      return frozen;
    },
  );
}
