// Every number the product promises, named once. The rules that apply them
// (backup-codes.ts, attempt-budget.ts, account-rules.ts, …) and the words that
// state them (emails, the web through GET /v1/me/security's `policy` block and
// GET /v1/policy) read them from here; none of them is written anywhere else.
// The withdrawal lock's hours are the operator's (config) and come through
// publicPolicy (app/public-policy.ts).

export const MINUTE_MS = 60 * 1000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** The guide: a set of eight one-time codes of six digits. */
export const BACKUP_CODES_PER_SET = 8;
export const BACKUP_CODE_DIGITS = 6;
/** At this many unused codes or fewer the owner is told to get a new set. */
export const BACKUP_CODES_LOW_AT = 3;
/** A new set can be exported until acknowledged or this much time passes. */
export const REVEAL_WINDOW_MS = 15 * MINUTE_MS;

/**
 * NIST SP 800-63B-4 §3.1.1.2 (the rule: domain/password-rule.ts; in words:
 * docs/security-policy.md "Passwords"): at least 15 characters while the
 * password is the account's only factor (every account starts so), at least
 * 8 once a second factor is bound; at least 64 accepted (we take 1024).
 */
export const PASSWORD_MIN_LENGTH = 15;
export const PASSWORD_MIN_LENGTH_WITH_SECOND_FACTOR = 8;
export const PASSWORD_MAX_LENGTH = 1024;
/**
 * The blocklist: a password zxcvbn scores below this (0–4) is on its lists of
 * common and leaked passwords, a small variant of one, or a keyboard row, repeat
 * or sequence (fewer than 10^6 guesses), and is refused. A stricter score would
 * be a strength rule, which NIST advises against.
 */
export const PASSWORD_MIN_SCORE = 2;
/** zxcvbn judges the first this-many characters (its cost grows fast with length). */
export const PASSWORD_JUDGED_LENGTH = 64;

/** A forgotten-password link works once, for this long, and only until a newer one is asked for. */
export const PASSWORD_RESET_TTL_MS = 30 * MINUTE_MS;
/** Forgotten-password requests: per address (known or not) and per client IP, each per hour. */
export const PASSWORD_RESET_REQUESTS_PER_ADDRESS_PER_HOUR = 5;
export const PASSWORD_RESET_REQUESTS_PER_IP_PER_HOUR = 30;
/**
 * A forgotten-password request is answered no sooner than this after it
 * arrived (wall time), known address or not: an account's extra writes (the
 * link, the email, its freeze link) took a few milliseconds more, enough to
 * tell which addresses exist (ASVS 5.0 6.3.8).
 */
export const PASSWORD_RESET_ANSWER_FLOOR_MS = 100;

/** The half-signed-in state between the password and the second factor. */
export const LOGIN_CHALLENGE_TTL_MS = 5 * MINUTE_MS;
/** A session's last use is written at most this often: requests in between write nothing. */
export const SESSION_TOUCH_INTERVAL_MS = 1 * MINUTE_MS;
/** Wrong second factors that end one login challenge (the owner is emailed). */
export const FAILURES_PER_CHALLENGE = 5;
/** Wrong second factors per account within FAILURE_WINDOW_MS that lock the second-factor step. */
export const FAILURES_BEFORE_LOCK = 10;
export const FAILURE_WINDOW_MS = 24 * HOUR_MS;
export const LOCK_DURATION_MS = 24 * HOUR_MS;
/** From this wrong code of the day on, a refusal warns how many tries are left before the lock (issue 14). */
export const WARN_ATTEMPTS_FROM_FAILURE = 3;
/** A right code submitted again within this long of its use is a repeat (a double submit), not a guess. */
export const REPEAT_WINDOW_MS = 2 * MINUTE_MS;
/** A wrong second factor is reported to the owner at most once in this long (slow guessing). */
export const FAILURE_REPORT_INTERVAL_MS = 24 * HOUR_MS;
/**
 * A slot the Redis budget reserved ahead, neither failed nor released within
 * this long, was left by a crash (a check takes milliseconds): it stops
 * holding the slot (issue 11, #13). The database budget reserves nothing.
 */
export const PENDING_RESERVATION_MS = 2 * MINUTE_MS;
/**
 * An attempt refused because the window is full (of failures, and in Redis of
 * attempts in flight) while the lock is not on, or not yet: the caller may try
 * again after this long, by when those in flight have ended or the lock is on.
 */
export const WINDOW_FULL_RETRY_MS = 1000;

/**
 * A "continue your recovery" link (in every ticket email) works once, while its
 * ticket lives: until the evidence deadline, through the review, and this long
 * after the decision (to bind the new authenticator, or read why it was refused).
 */
export const RECOVERY_LINK_AFTER_DECISION_MS = 14 * 24 * HOUR_MS;

/** A pending authenticator binding (its QR code) is good for this long. */
export const AUTHENTICATOR_SETUP_TTL_MS = 15 * MINUTE_MS;
/** A WebAuthn challenge (registration or assertion) is good for this long, once. */
export const WEBAUTHN_CHALLENGE_TTL_MS = 5 * MINUTE_MS;
export const MAX_SECURITY_KEYS_PER_ACCOUNT = 10;

/** The account's own sign-in activity (GET /v1/me/activity): at most this many events, none older than this. */
export const ACTIVITY_EVENTS_SHOWN = 50;
export const ACTIVITY_WINDOW_MS = 90 * 24 * HOUR_MS;
/**
 * The device cookie that makes a browser known to an account (new-browser
 * sign-in alerts) lives this long; 400 days is the most browsers keep a
 * cookie (RFC 6265bis §5.5), and every sign-in sets it again. A browser not
 * seen for this long is forgotten (forgottenBrowsersCutoff).
 */
export const KNOWN_BROWSER_COOKIE_DAYS = 400;

/** The "this wasn't me" link of a security email freezes the account once, within this long (issue 12). */
export const FREEZE_LINK_TTL_MS = 7 * 24 * HOUR_MS;
