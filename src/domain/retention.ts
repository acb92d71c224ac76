// How much evidence one upload may add, and how long records are kept (issue 15
// item 6). Pure: the caller passes the time, the usage and the limits.
import { DomainError } from './errors.ts';
import { DAY_MS, KNOWN_BROWSER_COOKIE_DAYS } from './policy.ts';

/** The per-account upload allowance counts the evidence of the last 24 hours. */
export const EVIDENCE_QUOTA_WINDOW_MS = DAY_MS;
/** Expired or revoked sessions, challenges and codes, and sent messages, are kept this long for inquiries. */
export const EXPIRED_RECORDS_KEPT_DAYS = 30;

export interface EvidenceLimits {
  readonly maxFileBytes: number;
  readonly ticketQuotaBytes: number;
  readonly dailyQuotaBytes: number;
  readonly minFreeBytes: number;
}

export interface EvidenceUsage {
  /** Bytes of evidence the ticket holds. */
  readonly ticketBytes: number;
  /** Bytes the account uploaded within the quota window, and when the oldest of them came in. */
  readonly accountBytes: number;
  readonly oldestInWindow: Date | undefined;
}

/** The most bytes the ticket and the account may still take; refuses when either has none left. */
export function quotaRoom(limits: EvidenceLimits, usage: EvidenceUsage, now: Date): number {
  const ticketLeft = limits.ticketQuotaBytes - usage.ticketBytes;
  if (ticketLeft <= 0) {
    throw new DomainError(
      'payload_too_large',
      `The ticket already holds its limit of ${limits.ticketQuotaBytes} bytes of evidence.`,
      { maxBytes: 0 },
    );
  }
  const dayLeft = limits.dailyQuotaBytes - usage.accountBytes;
  if (dayLeft <= 0) {
    const freesAt = (usage.oldestInWindow ?? now).getTime() + EVIDENCE_QUOTA_WINDOW_MS;
    throw new DomainError(
      'rate_limited',
      `This account uploaded its ${limits.dailyQuotaBytes} bytes of evidence for the last 24 hours. Try again later.`,
      { retryAfter: Math.max(1, Math.ceil((freesAt - now.getTime()) / 1000)) },
    );
  }
  return Math.min(ticketLeft, dayLeft);
}

/** The size limit of the next upload: the file cap, the quotas, and the disk's free space above the floor. */
export function uploadLimit(limits: EvidenceLimits, usage: EvidenceUsage, freeDiskBytes: number, now: Date): number {
  const diskLeft = freeDiskBytes - limits.minFreeBytes;
  if (diskLeft <= 0) {
    throw new DomainError('storage_full', 'The server is short of disk space for evidence. Try again later.');
  }
  return Math.min(limits.maxFileBytes, quotaRoom(limits, usage, now), diskLeft);
}

/** Evidence of tickets closed (decided or expired) before this is deleted. */
export function evidenceRetentionCutoff(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() - retentionDays * DAY_MS);
}

/** Records that expired (or were revoked, or sent) before this are deleted. */
export function expiredRecordsCutoff(now: Date): Date {
  return new Date(now.getTime() - EXPIRED_RECORDS_KEPT_DAYS * DAY_MS);
}

/**
 * A sign-in from a known browser records the sighting only when the last one
 * is from an earlier day than this (the UTC day of `now`, as stored times
 * compare): at most one write a day per browser on the sign-in path.
 */
export function browserSightingDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/**
 * Browsers last seen before this are forgotten: their device cookie, renewed
 * at every sign-in, lived KNOWN_BROWSER_COOKIE_DAYS and is gone, so no sign-in
 * can match them again. One day more, since a sighting is recorded once a day.
 */
export function forgottenBrowsersCutoff(now: Date): Date {
  return new Date(now.getTime() - (KNOWN_BROWSER_COOKIE_DAYS + 1) * DAY_MS);
}
