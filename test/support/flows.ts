// Common user journeys over HTTP, shared by the HTTP test suites.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { generateTotp, secretFromBase32 } from '../../src/domain/totp.ts';
import type { Harness, Reply } from './harness.ts';

export const PASSWORD = 'correct horse battery staple';

export function base32Decode(input: string): Buffer {
  return Buffer.from(secretFromBase32(input));
}

/** The code an authenticator app shows for `secret` at the server's clock + offset. */
export function codeFor(h: Harness, secret: string, offsetSeconds = 0): string {
  return generateTotp({ secret: base32Decode(secret) }, h.clock.now().getTime() + offsetSeconds * 1000);
}

let counter = 0;
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${Date.now()}@example.com`;
}

export async function signUpAndLogin(
  h: Harness,
  email = uniqueEmail(),
): Promise<{ email: string; token: string; accountId: string }> {
  const created = await h.call('POST', '/v1/accounts', { body: { email, password: PASSWORD } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  // Signed in from the browser that signed up (its device cookie): a known browser, no new-browser alert.
  const login = await h.call('POST', '/v1/sessions', {
    body: { email, password: PASSWORD },
    headers: { cookie: deviceCookieOf(created) },
  });
  assert.equal(login.body.status, 'authenticated');
  return { email, token: login.body.token, accountId: created.body.accountId };
}

/** The `latchkey_device=…` pair a reply set, to send back as a browser would (known-browser alerts). */
export function deviceCookieOf(reply: Reply): string {
  const set = reply.headers['set-cookie'];
  const pair = (Array.isArray(set) ? set : [set])
    .map((c) => String(c).split(';')[0] ?? '')
    .find((c) => c.startsWith('latchkey_device='));
  assert.ok(pair, `no device cookie in ${JSON.stringify(set)}`);
  return pair;
}

export interface Enrolled {
  email: string;
  token: string;
  accountId: string;
  secret: string;
  codes: string[];
  setId: string;
  revealToken: string;
}

/** Sign up, log in, bind an authenticator; moves the clock a step so the confirm code is spent. */
export async function enrolledUser(h: Harness, email = uniqueEmail()): Promise<Enrolled> {
  const user = await signUpAndLogin(h, email);
  const setup = await h.call('POST', '/v1/me/totp/setup', { token: user.token, body: {} });
  assert.equal(setup.status, 200, JSON.stringify(setup.body));
  const confirm = await h.call('POST', '/v1/me/totp/confirm', {
    token: user.token,
    body: { setupId: setup.body.setupId, code: codeFor(h, setup.body.secret) },
  });
  assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
  await h.clock.advance(30);
  return {
    ...user,
    secret: setup.body.secret,
    codes: confirm.body.backupCodes.codes,
    setId: confirm.body.backupCodes.setId,
    revealToken: confirm.body.revealToken,
  };
}

export async function challengeFor(h: Harness, email: string): Promise<string> {
  const login = await h.call('POST', '/v1/sessions', { body: { email, password: PASSWORD } });
  assert.equal(login.body.status, 'second_factor_required', JSON.stringify(login.body));
  return login.body.challenge;
}

/** A client address of its own, so tests (and runs sharing Redis) never share a network's limits. */
export function randomIp(): string {
  const [a, b, c] = crypto.randomBytes(3);
  return `10.${a}.${b}.${c}`;
}

/** The password step from a given client address. */
export async function passwordStepFrom(h: Harness, email: string, password: string, ip: string): Promise<Reply> {
  const response = await h.app.inject({
    method: 'POST',
    url: '/v1/sessions',
    remoteAddress: ip,
    payload: { email, password },
  });
  return { status: response.statusCode, body: response.json(), headers: response.headers, raw: response.rawPayload };
}

/** A TOTP code that is wrong now (never the right one by chance). */
export function wrongCodeFor(h: Harness, secret: string): string {
  return codeFor(h, secret) === '000000' ? '111111' : '000000';
}

/** The details of the account's audit entries of one `event`, oldest first. */
export async function auditDetails(h: Harness, accountId: string, event: string): Promise<Record<string, unknown>[]> {
  const rows = await h.ctx.storage.db
    .selectFrom('audit_log')
    .select('details')
    .where('account_id', '=', accountId)
    .where('event', '=', event)
    .orderBy('id')
    .execute();
  return rows.map((row) => JSON.parse(row.details));
}

/** The purposes of the account's counted second-factor failures, oldest first (the one attempt budget). */
export async function failedSecondFactorPurposes(h: Harness, accountId: string): Promise<string[]> {
  return (await auditDetails(h, accountId, 'second_factor_failed')).map((details) => String(details.purpose));
}
