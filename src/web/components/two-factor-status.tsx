import { BACKUP_CODES_LOW_AT, BACKUP_CODES_PER_SET } from '../../domain/policy.ts';
import type { SecurityState } from '../lib/client.ts';
import { formatDate, formatDateTime } from '../lib/format.ts';

/** What protects the account now: authenticator, backup codes, keys, SMS. */
export function TwoFactorStatus({ twoFactor: tf }: { twoFactor: SecurityState['twoFactor'] }) {
  if (!tf.enabled) {
    return (
      <p data-testid="two-factor-status">
        <span className="badge badge-off">Off</span> Your account is protected by your password only. Turn on two-factor
        authentication so a stolen password is not enough.
      </p>
    );
  }
  const codes = tf.backupCodes;
  const low = codes ? codes.remaining <= BACKUP_CODES_LOW_AT : false;
  return (
    <>
      <p data-testid="two-factor-status">
        <span className="badge badge-on">On</span> A second factor is needed to sign in and to withdraw.
      </p>
      <dl className="facts">
        <dt>Authenticator app</dt>
        <dd>{tf.totp?.bound ? `Bound ${formatDateTime(tf.totp.boundAt)}` : 'Not bound'}</dd>
        <dt>Backup codes</dt>
        <dd data-testid="backup-codes-remaining">
          {codes ? (
            <>
              {codes.remaining} of {codes.total} remaining · set issued {formatDate(codes.issuedAt)}
              {low ? (
                <span className="warn-text">
                  {' '}
                  — running low: reset 2FA below to get a new set of {BACKUP_CODES_PER_SET}.
                </span>
              ) : null}
            </>
          ) : (
            'None'
          )}
        </dd>
        {tf.securityKeys && tf.securityKeys.length > 0 ? (
          <>
            <dt>Security keys</dt>
            <dd>{tf.securityKeys.length}</dd>
          </>
        ) : null}
        {tf.sms ? (
          <>
            <dt>SMS</dt>
            <dd>{tf.sms.verified ? tf.sms.phone : `${tf.sms.phone} (not confirmed)`}</dd>
          </>
        ) : null}
      </dl>
    </>
  );
}
