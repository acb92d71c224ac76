// SMS codes to a verified phone: the phone number and the queued messages
// (which carry codes, and the number they go to) are encrypted.
import { listEncryptedSms, updateMessageBody, updateMessageRecipient } from '../../../storage/events-repository.ts';
import {
  deletePhone,
  findPhone,
  listEncryptedPhones,
  updatePhoneCiphertext,
} from '../../../storage/phones-repository.ts';
import { encryptedColumn } from '../../encrypted-columns.ts';
import { PHONE_AAD } from '../../phone-numbers.ts';
import { OUTBOX_SMS_AAD, outboxRecipientAad, plainOutboxRecipient } from '../../sms-codes.ts';
import type { FactorModule } from '../factor.ts';
import { smsFactor } from './attempt.ts';

export const smsModule: FactorModule<'sms'> = {
  method: 'sms',
  // SMS cannot reset 2FA: a reset must be proven with a stronger factor.
  allowedFor: ['login', 'withdrawal', 'factor_change'],
  isBound: async (db, accountId) => Boolean((await findPhone(db, accountId))?.verified_at),
  attempt: smsFactor,
  // The phone goes with every code sent to it.
  removeAll: (trx, accountId) => deletePhone(trx, accountId),
  encryptedColumns: [
    encryptedColumn({
      table: 'phones',
      column: 'phone_enc',
      label: 'phone(s)',
      rows: listEncryptedPhones,
      key: (row) => row.account_id,
      ciphertext: (row) => row.phone_enc,
      aad: (row) => PHONE_AAD(row.account_id),
      save: (db, row, ciphertext) => updatePhoneCiphertext(db, row.account_id, ciphertext),
    }),
    encryptedColumn({
      table: 'outbox',
      column: 'body',
      label: 'queued SMS',
      rows: listEncryptedSms,
      key: (row) => String(row.id),
      ciphertext: (row) => row.body,
      aad: () => OUTBOX_SMS_AAD,
      save: (db, row, ciphertext) => updateMessageBody(db, row.id, ciphertext),
    }),
    encryptedColumn({
      table: 'outbox',
      column: 'recipient',
      label: 'queued SMS recipient(s)',
      rows: listEncryptedSms,
      key: (row) => String(row.id),
      ciphertext: (row) => row.recipient,
      aad: (row) => outboxRecipientAad(row.id),
      save: (db, row, ciphertext) => updateMessageRecipient(db, row.id, ciphertext),
      plaintext: (row) => plainOutboxRecipient(row),
    }),
  ],
};
