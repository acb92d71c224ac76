// Who is calling: a bearer token (API clients) or the session cookie (web UI).
// Cookie-authenticated state changes need the CSRF header (ASVS 5.0 3.5.1):
// its value is a keyed hash of the session token, so it can't be forged
// without the session, and SameSite=Strict keeps the cookie home anyway.
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { assertNotFrozen } from '../app/account-freeze.ts';
import type { AppContext, RequestOrigin } from '../app/context.ts';
import { type Authenticated, authenticate } from '../app/sessions.ts';
import { DomainError } from '../domain/errors.ts';

export const SESSION_COOKIE = 'latchkey_session';
export const CSRF_COOKIE = 'latchkey_csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    auth?: Authenticated & { token: string };
  }
}

export function origin(request: FastifyRequest): RequestOrigin {
  const agent = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof agent === 'string' ? agent.slice(0, 512) : null };
}

export function csrfTokenFor(ctx: AppContext, sessionToken: string): string {
  return ctx.keyring.fingerprint('csrf', sessionToken);
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+([A-Za-z0-9_-]{20,200})$/.exec(header.trim());
  return match?.[1];
}

/** preHandler for every call that needs a full session. */
export function requireSession(ctx: AppContext) {
  return async (request: FastifyRequest): Promise<void> => {
    const fromHeader = bearer(request);
    const token = fromHeader ?? request.cookies[SESSION_COOKIE];
    if (!token) throw new DomainError('unauthenticated', 'Sign in first.');
    if (!fromHeader && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || sent !== csrfTokenFor(ctx, token)) {
        throw new DomainError('csrf_failed', 'The CSRF token is missing or wrong. Reload the page.');
      }
    }
    request.auth = { ...(await authenticate(ctx, token)), token };
    await assertNotFrozen(ctx.storage.db, request.auth.account.id);
  };
}

export function requireRole(role: 'support') {
  return async (request: FastifyRequest): Promise<void> => {
    if (request.auth?.account.role !== role)
      throw new DomainError('forbidden', 'This call is for support agents only.');
  };
}

export function authOf(request: FastifyRequest): Authenticated & { token: string } {
  if (!request.auth) throw new DomainError('unauthenticated', 'Sign in first.');
  return request.auth;
}

/** The web UI's copy of a new session: HttpOnly, SameSite=Strict, Secure outside plain-http localhost. */
export function setSessionCookies(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  expiresAt: Date,
): void {
  const secure = request.protocol === 'https' || (ctx.config.publicOrigin?.startsWith('https:') ?? false);
  const common = { path: '/', sameSite: 'strict' as const, secure, expires: expiresAt };
  reply.setCookie(SESSION_COOKIE, token, { ...common, httpOnly: true });
  reply.setCookie(CSRF_COOKIE, csrfTokenFor(ctx, token), { ...common, httpOnly: false });
}

export function clearSessionCookies(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
  reply.clearCookie(CSRF_COOKIE, { path: '/' });
}
