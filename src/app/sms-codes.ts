// Sending SMS codes: 6 digits from the CSPRNG, valid 10 minutes (NIST SP
// 800-63B-4 §3.2.9/§4.2.1.2), stored as a keyed hash, sent through the outbox.
// Sending is throttled: one code per 30 seconds (one send at a time, a guarded
// write), five per hour per account; a new code supersedes every older one.
import { DomainError } from '../domain/errors.ts';
import { enqueueMessage } from '../storage/events-repository.ts';
import type { Executor } from '../storage/executor.ts';
import { countSmsCodesSince, insertSmsCode, type SmsCodeRow, supersedeSmsCodes } from '../storage/phones-repository.ts';
import { claimSmsSend } from '../storage/sms-send-gate.ts';
import type { AppContext } from './context.ts';

export const OUTBOX_SMS_AAD = 'outbox:sms';
/** The phone number of a queued SMS is encrypted and bound to its outbox row (issue 15 item 7). */
export const outboxRecipientAad = (messageId: number): string => `outbox:${messageId}:recipient`;
/** Rows queued before recipients were encrypted still hold the number itself (E.164). */
const PLAIN_NUMBER = /^\+[0-9]+$/;
const SMS_CODE_TTL_MS = 10 * 60 * 1000;
const RESEND_AFTER_MS = 30 * 1000;
const PER_HOUR = 5;

export function smsCodeHash(ctx: AppContext, accountId: string, code: string): string {
  return ctx.keyring.fingerprint('sms-code', `${accountId}|${code}`);
}

export async function sendSmsCode(
  ctx: AppContext,
  db: Executor,
  accountId: string,
  phone: string,
  purpose: SmsCodeRow['purpose'],
): Promise<void> {
  // One transaction: the gate's guarded write admits one send per account at a
  // time (issue 11, #6), and a refused send leaves nothing behind.
  if (!db.isTransaction) return db.transaction().execute((trx) => sendSmsCode(ctx, trx, accountId, phone, purpose));
  const now = ctx.clock.now();
  const at = now.toISOString();
  const admitted = await claimSmsSend(db, accountId, at, new Date(now.getTime() - RESEND_AFTER_MS).toISOString());
  if (!admitted) {
    throw new DomainError('rate_limited', 'A code was sent a moment ago. Wait before asking for another.', {
      retryAfter: RESEND_AFTER_MS / 1000,
    });
  }
  // Sends are one at a time from here, so the hourly count can't be raced.
  if ((await countSmsCodesSince(db, accountId, new Date(now.getTime() - 3600_000).toISOString())) >= PER_HOUR) {
    throw new DomainError(
      'rate_limited',
      'Too many codes were sent in the last hour. Wait before asking for another.',
      {
        retryAfter: 3600,
      },
    );
  }
  const code = String(ctx.randomInt(1_000_000)).padStart(6, '0');
  await supersedeSmsCodes(db, accountId, at);
  await insertSmsCode(db, {
    id: ctx.tokens.newId(),
    account_id: accountId,
    purpose,
    code_hash: smsCodeHash(ctx, accountId, code),
    created_at: at,
    expires_at: new Date(now.getTime() + SMS_CODE_TTL_MS).toISOString(),
    used_at: null,
  });
  await enqueueMessage(db, {
    channel: 'sms',
    recipient: (messageId) => ctx.keyring.encrypt(phone, outboxRecipientAad(messageId)),
    subject: `${ctx.config.issuer} code`,
    // The code is the message's point, so the body is kept encrypted at rest
    // until the gateway takes it: a database dump shows no live code.
    body: ctx.keyring.encrypt(
      `${code} is your ${ctx.config.issuer} verification code. It expires in 10 minutes. Never share it: we will never ask for it.`,
      OUTBOX_SMS_AAD,
    ),
    createdAt: at,
  });
}

/** The phone number of a queued SMS, or the address of an email; decrypted only to deliver it. */
export function readOutboxRecipient(
  ctx: AppContext,
  message: { id: number; channel: string; recipient: string },
): string {
  if (message.channel !== 'sms' || PLAIN_NUMBER.test(message.recipient)) return message.recipient;
  return ctx.keyring.decrypt(message.recipient, outboxRecipientAad(message.id)).toString('utf8');
}

/** A recipient queued before they were encrypted: `keys rotate` encrypts it. */
export function plainOutboxRecipient(message: { recipient: string }): string | undefined {
  return PLAIN_NUMBER.test(message.recipient) ? message.recipient : undefined;
}

/** The text of a queued SMS (kept encrypted in the outbox). */
export function readOutboxSms(ctx: AppContext, message: { channel: string; body: string }): string {
  return message.channel === 'sms' ? ctx.keyring.decrypt(message.body, OUTBOX_SMS_AAD).toString('utf8') : message.body;
}
