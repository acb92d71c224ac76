// A reference resource server for an exchange's withdrawals, in front of
// Latchkey's OpenID Provider. It validates Latchkey's JWT access tokens
// (RFC 9068) against the JWKS with jose, and asks for a fresh second factor
// by the standard (RFC 9470) when the last one is too old or too weak; it
// refuses while Latchkey says the account's withdrawal lock is on.
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';

/** A withdrawal needs a second factor proven within this many seconds … */
export const MAX_AGE_SECONDS = 300;
/** … at least at this level of Latchkey's ladder (pwd < mfa < phr). */
export const REQUIRED_ACR = 'urn:latchkey:acr:mfa';
const LADDER = ['urn:latchkey:acr:pwd', 'urn:latchkey:acr:mfa', 'urn:latchkey:acr:phr'];

export interface WithdrawalServiceOptions {
  /** Latchkey's issuer, `${LATCHKEY_PUBLIC_ORIGIN}/oidc`. */
  readonly issuer: string;
  /** The resource indicator the tokens are issued for (their `aud`). */
  readonly audience: string;
  /** The issuer's keys, e.g. jose's createRemoteJWKSet(new URL(`${issuer}/jwks`)). */
  readonly keys: JWTVerifyGetKey;
  /** The time Latchkey's facts (auth_time, the lock) are compared with; the system clock by default. */
  readonly now?: () => Date;
}

interface LatchkeyClaims extends JWTPayload {
  auth_time?: number;
  acr?: string;
  amr?: string[];
  latchkey_withdrawal_lock_until?: number;
  latchkey_account_frozen?: boolean;
}

function challenge(reply: FastifyReply, error: string, description: string, stepUp: boolean) {
  const parts = [`error="${error}"`, `error_description="${description}"`];
  if (stepUp) parts.push(`max_age=${MAX_AGE_SECONDS}`, `acr_values="${REQUIRED_ACR}"`);
  return reply
    .code(401)
    .header('www-authenticate', `Bearer ${parts.join(', ')}`)
    .send({ error, error_description: description });
}

export function buildWithdrawalService(options: WithdrawalServiceOptions): FastifyInstance {
  const now = options.now ?? (() => new Date());
  const app = Fastify();

  app.post('/withdrawals', async (request, reply) => {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(request.headers.authorization ?? '');
    if (!match?.[1]) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'invalid_request' });
    }
    let claims: LatchkeyClaims;
    try {
      ({ payload: claims } = await jwtVerify<LatchkeyClaims>(match[1], options.keys, {
        issuer: options.issuer,
        audience: options.audience,
        typ: 'at+jwt',
        algorithms: ['RS256'],
      }));
    } catch (error) {
      const reason =
        error instanceof errors.JWTExpired ? 'The access token has expired.' : 'The access token is not valid.';
      return challenge(reply, 'invalid_token', reason, false);
    }
    const at = Math.floor(now().getTime() / 1000);
    const strongEnough = LADDER.indexOf(claims.acr ?? '') >= LADDER.indexOf(REQUIRED_ACR);
    const recent = typeof claims.auth_time === 'number' && at - claims.auth_time <= MAX_AGE_SECONDS;
    if (!strongEnough || !recent) {
      return challenge(
        reply,
        'insufficient_user_authentication',
        'A second factor proven within the last 5 minutes is required.',
        true,
      );
    }
    if (claims.latchkey_account_frozen) {
      return reply.code(403).send({ error: 'account_frozen' });
    }
    const lockedUntil = claims.latchkey_withdrawal_lock_until;
    if (typeof lockedUntil === 'number' && lockedUntil > at) {
      return reply
        .code(403)
        .send({ error: 'withdrawal_locked', locked_until: new Date(lockedUntil * 1000).toISOString() });
    }
    return reply.code(202).send({ status: 'accepted', account: claims.sub });
  });
  return app;
}
