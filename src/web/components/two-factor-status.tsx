import type { SecurityState } from '../lib/client.ts';

/** The one line at the top of the security page: is the account protected by a second factor? */
export function TwoFactorStatus({
  twoFactor: tf,
  codesPending,
}: {
  twoFactor: SecurityState['twoFactor'];
  /** The save-your-codes step was left unfinished in this tab. */
  codesPending: boolean;
}) {
  if (!tf.enabled) {
    return (
      <p className="status-line" data-testid="two-factor-status">
        <span className="badge badge-off">2FA off</span> Your password alone protects this account. Add the
        authenticator app below so a stolen password is not enough.
      </p>
    );
  }
  return (
    <p className="status-line" data-testid="two-factor-status">
      <span className="badge badge-on">2FA on</span> A second factor is needed to sign in and to withdraw.
      {codesPending ? <strong> Your new backup codes are not saved yet.</strong> : null}
    </p>
  );
}
