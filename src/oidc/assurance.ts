// How a user proved themselves, as OpenID claims: `amr` (RFC 8176) and `acr`
// on Latchkey's ladder, and when a request needs a fresh second factor
// (step-up). Pure: the time is passed in.
import type { SecondFactorMethod } from '../app/factors/factor.ts';

/** The ladder, weakest first. */
export const ACR_LADDER = ['urn:latchkey:acr:pwd', 'urn:latchkey:acr:mfa', 'urn:latchkey:acr:phr'] as const;
export type Acr = (typeof ACR_LADDER)[number];

const METHOD_AMR: Readonly<Record<SecondFactorMethod, string>> = {
  totp: 'otp',
  backup_code: 'otp',
  webauthn: 'hwk',
  sms: 'sms',
};

export interface ProvenFactor {
  readonly method: string | null;
  readonly at: Date | null;
}

function isMethod(method: string | null): method is SecondFactorMethod {
  return method !== null && Object.hasOwn(METHOD_AMR, method);
}

export function amrFor(method: string | null): string[] {
  return isMethod(method) ? ['pwd', METHOD_AMR[method], 'mfa'] : ['pwd'];
}

export function acrFor(method: string | null): Acr {
  if (!isMethod(method)) return 'urn:latchkey:acr:pwd';
  return method === 'webauthn' ? 'urn:latchkey:acr:phr' : 'urn:latchkey:acr:mfa';
}

/** The weakest level among the asked `acr_values` that Latchkey knows (null when none is asked). */
export function askedAcr(acrValues: string | undefined): Acr | null {
  const asked = (acrValues ?? '').split(' ').filter((v): v is Acr => (ACR_LADDER as readonly string[]).includes(v));
  if (asked.length === 0) return null;
  return ACR_LADDER[Math.min(...asked.map((v) => ACR_LADDER.indexOf(v)))] ?? null;
}

export function satisfies(acr: Acr, wanted: Acr | null): boolean {
  return wanted === null || ACR_LADDER.indexOf(acr) >= ACR_LADDER.indexOf(wanted);
}

/** The second-factor methods that reach `wanted` (a security key alone is phishing-resistant). */
export function methodsReaching(wanted: Acr | null, bound: readonly SecondFactorMethod[]): SecondFactorMethod[] {
  return bound.filter((m) => satisfies(acrFor(m), wanted));
}

/**
 * Whether the session's last second factor is good enough for a request with
 * `max_age` (seconds) and `acr_values`. An account with a second factor always
 * needs one; without one, only `pwd` can be reached.
 */
export function needsStepUp(
  proven: ProvenFactor,
  request: { maxAge?: number | undefined; wanted: Acr | null; hasSecondFactor: boolean },
  now: Date,
): boolean {
  if (!request.hasSecondFactor) return false;
  if (proven.at === null || !satisfies(acrFor(proven.method), request.wanted ?? 'urn:latchkey:acr:mfa')) return true;
  if (request.maxAge === undefined) return false;
  return Math.floor((now.getTime() - proven.at.getTime()) / 1000) > request.maxAge;
}
