// The provider's interaction is Latchkey's own login. With a Latchkey session
// whose second factor is fresh and strong enough for the request (`max_age`,
// `acr_values`), the interaction finishes at once; without a session the
// browser goes to Latchkey's sign-in page and comes back; with a stale or weak
// second factor it is asked again here (step-up), through the one gate and
// its attempt budget. Third-party clients get a consent screen.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { AppContext } from '../app/context.ts';
import { reauthenticate } from '../app/reauthenticate.ts';
import { boundMethods, methodsFor } from '../app/second-factor-gate.ts';
import { type Authenticated, authenticate } from '../app/sessions.ts';
import { attemptsWarningDue } from '../domain/attempt-budget.ts';
import { DomainError, isCodeRefusal } from '../domain/errors.ts';
import { LOCK_DURATION_MS } from '../domain/policy.ts';
import type { SecondFactorMethod } from '../domain/second-factor.ts';
import { csrfTokenFor, origin } from '../http/auth.ts';
import { bindPageFor, reauthenticatePageFor, signInPageFor } from '../http/contract/web-return.ts';
import { cookieNames } from '../http/cookie-names.ts';
import { type Acr, acrFor, amrFor, askedAcr, methodsReaching, needsStepUp, satisfies } from './assurance.ts';
import { OIDC_PAGE_CSP, OIDC_PREFIX } from './provider.ts';

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

/** The methods as the step-up page names them. */
const METHOD_WORDS: Readonly<Record<SecondFactorMethod, string>> = {
  totp: 'Authenticator app',
  backup_code: 'Backup code',
  webauthn: 'Security key',
  sms: 'SMS code',
};

/** What each scope gives a third-party app, in the consent screen's words. */
const SCOPE_WORDS: Readonly<Record<string, string>> = {
  openid: 'who you are on this exchange (an account number, not your name)',
  email: 'your email address',
  offline_access: 'to stay signed in until you sign out of it',
};

const html = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${html(title)} · Latchkey</title></head><body><main><h1>${html(title)}</h1>${body}</main></body></html>`;
}

/**
 * A refused code as the step-up page says it: the problem's detail (for
 * `code_step_reserved`, when codes work again) and, from the third failure of
 * the day, the tries left before the lock (contract v1.1 `attemptsRemaining`).
 */
function refusalText(error: DomainError): string {
  const left = error.extras.attemptsRemaining;
  if (typeof left !== 'number' || !attemptsWarningDue(left)) return error.message;
  const hours = LOCK_DURATION_MS / 3_600_000;
  return `${error.message} ${left} ${left === 1 ? 'try' : 'tries'} left before two-factor sign-in locks for ${hours} hours: check your phone's clock, or use a backup code.`;
}

async function sessionOf(
  ctx: AppContext,
  request: FastifyRequest,
): Promise<(Authenticated & { token: string }) | null> {
  const token = request.cookies[cookieNames(ctx.config.publicOrigin).session];
  if (!token) return null;
  try {
    return { ...(await authenticate(ctx, token)), token };
  } catch (error) {
    if (error instanceof DomainError) return null;
    throw error;
  }
}

interface Requirement {
  readonly wanted: Acr | null;
  readonly maxAge: number | undefined;
}

function requirementOf(details: Details): Requirement {
  const params = details.params as { max_age?: unknown; acr_values?: unknown; prompt?: unknown };
  // oidc-provider turns max_age=0 into prompt=login: both mean "prove it again now".
  const forced = typeof params.prompt === 'string' && params.prompt.split(' ').includes('login');
  const maxAge = forced ? 0 : params.max_age === undefined ? undefined : Number(params.max_age);
  return {
    wanted: askedAcr(typeof params.acr_values === 'string' ? params.acr_values : undefined),
    maxAge: Number.isInteger(maxAge) ? maxAge : undefined,
  };
}

export function interactionRoutes(ctx: AppContext, provider: () => Promise<Provider>) {
  /** The pending interaction, or a 400 problem when it is unknown or has expired (no cookie, old link). */
  async function detailsOf(request: FastifyRequest, reply: FastifyReply): Promise<Details> {
    try {
      return await (await provider()).interactionDetails(request.raw, reply.raw);
    } catch (error) {
      if (error instanceof errors.OIDCProviderError) {
        throw new DomainError(
          'invalid_request',
          'This sign-in request is unknown or has expired. Start again from the app.',
        );
      }
      throw error;
    }
  }

  const interactionPath = (uid: string) => `${OIDC_PREFIX}/interaction/${encodeURIComponent(uid)}`;

  async function stepUpMethods(auth: Authenticated, requirement: Requirement) {
    const db = ctx.storage.db;
    const bound = await boundMethods(db, auth.account.id);
    const allowed = await methodsFor(db, auth.account.id, 'reauthentication');
    const reaching = methodsReaching(requirement.wanted, allowed);
    // A level the account can't reach (e.g. phr without a security key) falls back to what it has.
    const wanted = reaching.length > 0 ? requirement.wanted : null;
    return { bound, wanted, offered: reaching.length > 0 ? reaching : allowed };
  }

  function stepUpPage(
    reply: FastifyReply,
    uid: string,
    auth: Authenticated & { token: string },
    methods: readonly SecondFactorMethod[],
    error?: string,
  ) {
    // A security key needs the browser's WebAuthn API: Latchkey's web app asks for it and comes back here.
    const withKey = methods.includes('webauthn')
      ? `<p><a href="${html(reauthenticatePageFor(interactionPath(uid)))}">Use your security key</a></p>`
      : '';
    const typed = methods.filter((m) => m !== 'webauthn');
    const options = typed.map((m) => `<option value="${html(m)}">${html(METHOD_WORDS[m])}</option>`).join('');
    const form =
      typed.length === 0
        ? ''
        : `<form method="post" action="${interactionPath(uid)}/step-up">
<input type="hidden" name="csrf" value="${html(csrfTokenFor(ctx, auth.token))}">
<label>Method <select name="method">${options}</select></label>
<label>Code <input name="code" inputmode="numeric" autocomplete="one-time-code" required></label>
<button type="submit">Continue</button></form>`;
    return reply
      .code(error ? 401 : 200)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-security-policy', OIDC_PAGE_CSP)
      .send(
        page(
          'Confirm it is you',
          `${error ? `<p role="alert">${html(error)}</p>` : ''}
<p>This app asks for a fresh second factor.</p>${withKey}${form}`,
        ),
      );
  }

  async function finishLogin(request: FastifyRequest, reply: FastifyReply, auth: Authenticated) {
    const method = auth.session.second_factor_method;
    const provenAt = auth.session.second_factor_at ?? auth.session.created_at;
    const url = await (await provider()).interactionResult(
      request.raw,
      reply.raw,
      {
        login: {
          accountId: auth.account.id,
          acr: acrFor(method),
          amr: amrFor(method),
          ts: Math.floor(Date.parse(provenAt) / 1000),
          remember: true,
        },
      },
      { mergeWithLastSubmission: false },
    );
    return reply.redirect(url, 303);
  }

  return {
    async show(request: FastifyRequest<{ Params: { uid: string } }>, reply: FastifyReply) {
      const details = await detailsOf(request, reply);
      const uid = details.uid;
      if (details.prompt.name === 'consent') {
        const client = await (await provider()).Client.find(String(details.params.client_id));
        const missing = (details.prompt.details as { missingOIDCScope?: string[] }).missingOIDCScope ?? [];
        const asked = [...new Set(missing.map((scope) => SCOPE_WORDS[scope] ?? scope))];
        return reply
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .header('content-security-policy', OIDC_PAGE_CSP)
          .send(
            page(
              'Allow access?',
              `<p><strong>${html(client?.clientName ?? 'An application')}</strong> is not run by this exchange. It asks to use your Latchkey sign-in and to get:</p>
<ul>${asked.map((item) => `<li>${html(item)}</li>`).join('')}</ul>
<p>It never sees your password or your codes. Only allow apps you trust.</p>
<form method="post" action="${interactionPath(uid)}/consent"><button name="allow" value="yes">Allow</button>
<button name="allow" value="no">Deny</button></form>`,
            ),
          );
      }
      const auth = await sessionOf(ctx, request);
      if (!auth) return reply.redirect(signInPageFor(interactionPath(uid)), 303);
      const requirement = requirementOf(details);
      const { bound, wanted, offered } = await stepUpMethods(auth, requirement);
      if (bound.length === 0 && !satisfies('urn:latchkey:acr:pwd', requirement.wanted)) {
        // The app asks for a second factor and the account has none: bind one first, then come back.
        return reply.redirect(bindPageFor(interactionPath(uid)), 303);
      }
      const proven = {
        method: auth.session.second_factor_method,
        at: auth.session.second_factor_at ? new Date(auth.session.second_factor_at) : null,
      };
      const stale = needsStepUp(
        proven,
        {
          maxAge: requirement.maxAge,
          wanted,
          hasSecondFactor: bound.length > 0,
        },
        ctx.clock.now(),
      );
      if (stale) return stepUpPage(reply, uid, auth, offered);
      return finishLogin(request, reply, auth);
    },

    async stepUp(
      request: FastifyRequest<{ Params: { uid: string }; Body: Record<string, unknown> }>,
      reply: FastifyReply,
    ) {
      const details = await detailsOf(request, reply);
      const auth = await sessionOf(ctx, request);
      if (!auth) return reply.redirect(signInPageFor(interactionPath(details.uid)), 303);
      const body = request.body ?? {};
      if (body.csrf !== csrfTokenFor(ctx, auth.token)) {
        throw new DomainError('csrf_failed', 'The form is out of date. Reload the page.');
      }
      const { offered } = await stepUpMethods(auth, requirementOf(details));
      const method = typeof body.method === 'string' ? body.method : '';
      if (!offered.includes(method as never))
        throw new DomainError('method_not_available', 'Choose one of the offered methods.');
      try {
        await reauthenticate(
          ctx,
          { account: auth.account, sessionId: auth.session.id },
          { method, code: typeof body.code === 'string' ? body.code : undefined },
          origin(request),
        );
      } catch (error) {
        if (error instanceof DomainError && isCodeRefusal(error.code)) {
          return stepUpPage(reply, details.uid, auth, offered, refusalText(error));
        }
        throw error;
      }
      return reply.redirect(interactionPath(details.uid), 303);
    },

    async consent(
      request: FastifyRequest<{ Params: { uid: string }; Body: Record<string, unknown> }>,
      reply: FastifyReply,
    ) {
      const op = await provider();
      const details = await detailsOf(request, reply);
      if (details.prompt.name !== 'consent' || !details.session?.accountId) {
        throw new DomainError('invalid_state', 'Nothing to consent to here.');
      }
      if (request.body?.allow !== 'yes') {
        const url = await op.interactionResult(request.raw, reply.raw, {
          error: 'access_denied',
          error_description: 'The user denied access.',
        });
        return reply.redirect(url, 303);
      }
      const grant = details.grantId
        ? await op.Grant.find(details.grantId)
        : new op.Grant({ accountId: details.session.accountId, clientId: String(details.params.client_id) });
      if (!grant) throw new DomainError('invalid_state', 'The grant has expired. Start again.');
      const missing = details.prompt.details as {
        missingOIDCScope?: string[];
        missingOIDCClaims?: string[];
        missingResourceScopes?: Record<string, string[]>;
      };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
      const grantId = await grant.save();
      const url = await op.interactionResult(
        request.raw,
        reply.raw,
        { consent: { grantId } },
        { mergeWithLastSubmission: true },
      );
      return reply.redirect(url, 303);
    },
  };
}
