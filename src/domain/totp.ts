// TOTP (RFC 6238) rules: which step a code belongs to, replay, drift memory and
// clock diagnosis. The HMAC arithmetic is otpauth's; the rules are ours.
import { HOTP, Secret } from 'otpauth';

/** What Google Authenticator honours; other values are silently ignored by it. */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const TOTP_ALGORITHM = 'SHA1';
/** 160-bit secrets (RFC 4226 §4 R6 recommends 160 bits). */
export const TOTP_SECRET_BYTES = 20;
/** ±1 step of network/clock tolerance around the expected step (RFC 6238 §5.2). */
const ACCEPT_WINDOW_STEPS = 1;
/** Remembered drift is capped so a slowly wandering clock cannot widen acceptance without bound. */
export const MAX_REMEMBERED_DRIFT_STEPS = 3;
/** A wrong code that matches a step up to 10 minutes away is diagnosed as a clock problem. */
const DIAGNOSIS_WINDOW_STEPS = 20;

export type TotpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

export interface TotpParameters {
  readonly secret: Uint8Array;
  readonly algorithm?: TotpAlgorithm;
  readonly digits?: number;
  readonly period?: number;
}

export function totpStep(nowMs: number, period = TOTP_PERIOD_SECONDS): number {
  return Math.floor(nowMs / 1000 / period);
}

export function generateTotp(params: TotpParameters, nowMs: number): string {
  return HOTP.generate({
    secret: new Secret({ buffer: toArrayBuffer(params.secret) }),
    algorithm: params.algorithm ?? TOTP_ALGORITHM,
    digits: params.digits ?? TOTP_DIGITS,
    counter: totpStep(nowMs, params.period),
  });
}

export function secretToBase32(secret: Uint8Array): string {
  return new Secret({ buffer: toArrayBuffer(secret) }).base32;
}

/** The bytes of a base32 setup key (RFC 4648), as an authenticator app reads it. */
export function secretFromBase32(base32: string): Uint8Array {
  return Secret.fromBase32(base32).bytes;
}

export interface TotpState {
  /** The last step a code was accepted for; a code for it or earlier is a replay. */
  readonly lastStep: number | null;
  /** The authenticator's remembered offset in steps (RFC 6238 §6 resynchronisation). */
  readonly driftSteps: number;
  /**
   * The step a clock diagnosis burnt (a code diagnosed as right in the future
   * must never be accepted when that time comes). While it is the last step,
   * a right code at or before it is reserved, not wrong.
   */
  readonly burntStep?: number | null;
}

export type TotpCheck =
  | { readonly kind: 'accepted'; readonly step: number; readonly driftSteps: number; readonly driftSeconds: number }
  | { readonly kind: 'out_of_sync'; readonly step: number; readonly driftSeconds: number }
  /** The code of the last accepted step again: refused, but a repeat (a double submit), not a guess. */
  | { readonly kind: 'replay'; readonly step: number }
  /**
   * A right code for a step a clock diagnosis burnt (or an earlier one): refused
   * until `retryAtMs`, when the step after the burnt one begins; not a guess.
   */
  | { readonly kind: 'reserved'; readonly step: number; readonly retryAtMs: number }
  | { readonly kind: 'invalid' };

/**
 * Checks a 6-digit code at `nowMs`. The window is centred on the remembered
 * drift; a match at a step already used is a replay and counts as invalid.
 */
export function checkTotp(secret: Uint8Array, code: string, nowMs: number, state: TotpState): TotpCheck {
  const current = totpStep(nowMs);
  const centre = current + state.driftSteps;
  const hotpSecret = new Secret({ buffer: toArrayBuffer(secret) });
  const match = (counter: number, window: number) =>
    HOTP.validate({ token: code, secret: hotpSecret, algorithm: TOTP_ALGORITHM, digits: TOTP_DIGITS, counter, window });

  const delta = match(centre, ACCEPT_WINDOW_STEPS);
  if (delta !== null) {
    const step = centre + delta;
    const burnt = state.burntStep ?? null;
    if (burnt !== null && burnt === state.lastStep && step <= burnt) {
      return { kind: 'reserved', step, retryAtMs: (burnt + 1) * TOTP_PERIOD_SECONDS * 1000 };
    }
    if (state.lastStep !== null && step === state.lastStep) return { kind: 'replay', step };
    if (state.lastStep !== null && step < state.lastStep) return { kind: 'invalid' };
    const offset = step - current;
    const driftSteps = Math.max(-MAX_REMEMBERED_DRIFT_STEPS, Math.min(MAX_REMEMBERED_DRIFT_STEPS, offset));
    return { kind: 'accepted', step, driftSteps, driftSeconds: offset * TOTP_PERIOD_SECONDS };
  }
  // Diagnosis only: the code is refused either way, and counted as a failure.
  const far = match(current, DIAGNOSIS_WINDOW_STEPS);
  if (far !== null && current + far !== state.lastStep) {
    return { kind: 'out_of_sync', step: current + far, driftSeconds: far * TOTP_PERIOD_SECONDS };
  }
  return { kind: 'invalid' };
}

/**
 * Whether an accepted code's offset from the server's step is worth telling the
 * owner about ("your phone's clock is N seconds off"). One step either way is
 * what RFC 6238 §5.2 tolerates for typing and network delay, so it warns only
 * when it is real: two steps or more, or one step again in the same direction
 * as the offset remembered from the previous accepted code.
 */
export function clockDriftIsReal(offsetSteps: number, rememberedDriftSteps: number): boolean {
  if (Math.abs(offsetSteps) >= 2) return true;
  return offsetSteps !== 0 && Math.sign(offsetSteps) === Math.sign(rememberedDriftSteps);
}

export interface KeyUri {
  readonly issuer: string;
  readonly accountName: string;
  readonly secretBase32: string;
}

/** Key URI Format: issuer in the label and in the parameter, SHA1/6/30 spelled out. */
export function totpKeyUri({ issuer, accountName, secretBase32 }: KeyUri): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(accountName)}`;
  const query = new URLSearchParams({
    secret: secretBase32,
    issuer,
    algorithm: TOTP_ALGORITHM,
    digits: String(TOTP_DIGITS),
    period: String(TOTP_PERIOD_SECONDS),
  });
  return `otpauth://totp/${label}?${query.toString().replace(/\+/g, '%20')}`;
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
