// Who is calling: a bearer token (API clients) or the session cookie (web UI),
// or a recovery ticket's token. Each feature scope calls one of the `require…`
// functions below once; it adds the hook for every route of the scope and
// declares the matching security scheme in the OpenAPI document. The hook runs
// before validation: an anonymous caller learns nothing about the input rules.
// Cookie-authenticated state changes need the CSRF header (ASVS 5.0 3.5.1):
// its value is a keyed hash of the session token, so it can't be forged
// without the session, and SameSite=Strict keeps the cookie home anyway.
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext, RequestOrigin } from '../app/context.ts';
import { type Authenticated, authenticate } from '../app/sessions.ts';
import { assertAgentReady } from '../app/support-agent.ts';
import { authenticateTicket } from '../app/ticket-auth.ts';
import { DomainError } from '../domain/errors.ts';
import { DAY_MS, KNOWN_BROWSER_COOKIE_DAYS } from '../domain/policy.ts';
import type { App } from './app-type.ts';
import { CSRF_HEADER, cookieNames } from './cookie-names.ts';
import { type AuthKind, documentAuth } from './openapi.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

type Ticket = Awaited<ReturnType<typeof authenticateTicket>>;
type SessionAuth = Authenticated & { token: string };

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's session, set by the session scopes' hook. */
    auth: SessionAuth | null;
    /** The recovery ticket named by the path, set by the ticket scope's hook. */
    ticket: Ticket | null;
  }
}

/** Declares the request properties once, so every request object has the same shape. */
export function decorateAuth(app: App): void {
  app.decorateRequest('auth', null);
  app.decorateRequest('ticket', null);
}

export function origin(request: FastifyRequest): RequestOrigin {
  const agent = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof agent === 'string' ? agent.slice(0, 512) : null };
}

/**
 * The request's origin with the browser's device cookie: the one it sent, or
 * a new random one, which is set now (the cookie is renewed on every use, so
 * a browser in use stays known). HttpOnly and SameSite=Lax: nothing but this
 * server reads it, and it names a browser, not a session.
 */
export function signInOrigin(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): RequestOrigin {
  const name = cookieNames(ctx.config.publicOrigin).device;
  const sent = request.cookies[name];
  const browserToken = sent && /^[A-Za-z0-9_-]{20,200}$/.test(sent) ? sent : ctx.tokens.newToken();
  reply.setCookie(name, browserToken, {
    path: '/',
    sameSite: 'lax',
    secure: isSecure(ctx, request),
    httpOnly: true,
    maxAge: (KNOWN_BROWSER_COOKIE_DAYS * DAY_MS) / 1000,
  });
  return { ...origin(request), browserToken };
}

function isSecure(ctx: AppContext, request: FastifyRequest): boolean {
  return request.protocol === 'https' || (ctx.config.publicOrigin?.startsWith('https:') ?? false);
}

export function csrfTokenFor(ctx: AppContext, sessionToken: string): string {
  return ctx.keyring.fingerprint('csrf', sessionToken);
}

/** The token of `Authorization: <scheme> <token>`; the scheme is case-insensitive (RFC 9110 §11.1). */
function credentials(request: FastifyRequest, scheme: 'Bearer' | 'Ticket'): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^(\S+)\s+([A-Za-z0-9_-]{20,200})$/.exec(header.trim());
  return match && match[1]?.toLowerCase() === scheme.toLowerCase() ? match[2] : undefined;
}

/** The caller's full session (bearer token, or cookie + CSRF header); refused when there is none. */
export async function sessionOf(ctx: AppContext, request: FastifyRequest): Promise<SessionAuth> {
  const fromHeader = credentials(request, 'Bearer');
  const token = fromHeader ?? request.cookies[cookieNames(ctx.config.publicOrigin).session];
  if (!token) throw new DomainError('unauthenticated', 'Sign in first.');
  if (!fromHeader && !SAFE_METHODS.has(request.method)) {
    const sent = request.headers[CSRF_HEADER.toLowerCase()];
    if (typeof sent !== 'string' || sent !== csrfTokenFor(ctx, token)) {
      throw new DomainError('csrf_failed', 'The CSRF token is missing or wrong. Reload the page.');
    }
  }
  // authenticate refuses a frozen account (its read brings the freeze).
  return { ...(await authenticate(ctx, token)), token };
}

function guard(scope: App, kind: AuthKind, check: (request: FastifyRequest) => Promise<void>): void {
  documentAuth(scope, kind);
  scope.addHook('preValidation', check);
}

/** Every route of `scope` needs a full session (bearer token, or cookie + CSRF header). */
export function requireSession(scope: App, ctx: AppContext): void {
  guard(scope, 'session', async (request) => {
    request.auth = await sessionOf(ctx, request);
  });
}

/**
 * Routes of `scope` take a session when the caller has one, and work without
 * one too (documented as optional): the handler asks sessionOf() itself.
 */
export function allowSession(scope: App): void {
  documentAuth(scope, 'optional_session');
}

/** Every route of `scope` is for support agents: a session with the support role and, outside test mode, 2FA. */
export function requireAgent(scope: App, ctx: AppContext): void {
  guard(scope, 'agent', async (request) => {
    const auth = await sessionOf(ctx, request);
    if (auth.account.role !== 'support') throw new DomainError('forbidden', 'This call is for support agents only.');
    await assertAgentReady(ctx, auth.account);
    request.auth = auth;
  });
}

/** Every route of `scope` has a ticket `:id` and needs `Authorization: Ticket <ticketToken>` for it. */
export function requireTicket(scope: App, ctx: AppContext): void {
  guard(scope, 'ticket', async (request) => {
    const { id } = request.params as { id: string };
    request.ticket = await authenticateTicket(ctx, credentials(request, 'Ticket'), id);
  });
}

export function authOf(request: FastifyRequest): SessionAuth {
  if (!request.auth) throw new DomainError('unauthenticated', 'Sign in first.');
  return request.auth;
}

export function ticketOf(request: FastifyRequest): Ticket {
  if (!request.ticket) throw new DomainError('unauthenticated', 'Send the ticket token.');
  return request.ticket;
}

/** The web UI's copy of a new session: HttpOnly, SameSite=Strict, Secure outside plain-http localhost. */
export function setSessionCookies(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  expiresAt: Date,
): void {
  const common = { path: '/', sameSite: 'strict' as const, secure: isSecure(ctx, request), expires: expiresAt };
  const names = cookieNames(ctx.config.publicOrigin);
  reply.setCookie(names.session, token, { ...common, httpOnly: true });
  reply.setCookie(names.csrf, csrfTokenFor(ctx, token), { ...common, httpOnly: false });
}

export function clearSessionCookies(ctx: AppContext, reply: FastifyReply): void {
  const names = cookieNames(ctx.config.publicOrigin);
  const secure = names.session.startsWith('__Host-');
  reply.clearCookie(names.session, { path: '/', secure });
  reply.clearCookie(names.csrf, { path: '/', secure });
}
