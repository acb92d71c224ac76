import { BACKUP_CODES_LOW_AT } from '../../domain/policy.ts';
import type { SecondFactorMethod, SecurityState } from '../lib/client.ts';
import { formatDate } from '../lib/format.ts';

/** What a row's one button opens on the security page. */
export type MethodPanel = 'bind' | 'reset' | 'webauthn' | 'sms';

const NAME: Record<SecondFactorMethod, string> = {
  totp: 'Authenticator app',
  backup_code: 'Backup codes',
  webauthn: 'Security keys',
  sms: 'SMS codes',
};

interface Row {
  state: string;
  warn?: boolean;
  action?: { label: string; panel: MethodPanel };
}

function rowOf(method: SecondFactorMethod, tf: SecurityState['twoFactor']): Row {
  const needsApp = { state: 'Needs the authenticator app first' };
  switch (method) {
    case 'totp':
      return tf.totp?.bound
        ? { state: `On · bound ${formatDate(tf.totp.boundAt)}`, action: { label: 'Replace…', panel: 'reset' } }
        : { state: 'Off', action: { label: 'Add', panel: 'bind' } };
    case 'backup_code': {
      const codes = tf.backupCodes;
      if (!tf.enabled || !codes) return needsApp;
      return {
        state: `${codes.remaining} of ${codes.total} left · issued ${formatDate(codes.issuedAt)}${
          codes.remaining <= BACKUP_CODES_LOW_AT ? ' · running low' : ''
        }`,
        warn: codes.remaining <= BACKUP_CODES_LOW_AT,
        action: { label: 'Get a new set…', panel: 'reset' },
      };
    }
    case 'webauthn': {
      if (!tf.enabled) return needsApp;
      const keys = tf.securityKeys ?? [];
      const lastUsed = keys
        .flatMap((k) => (k.lastUsedAt ? [k.lastUsedAt] : []))
        .sort()
        .at(-1);
      return keys.length > 0
        ? {
            state: `${keys.length} key${keys.length === 1 ? '' : 's'}${lastUsed ? ` · last used ${formatDate(lastUsed)}` : ''}`,
            action: { label: 'Manage', panel: 'webauthn' },
          }
        : { state: 'None', action: { label: 'Add', panel: 'webauthn' } };
    }
    case 'sms':
      if (!tf.enabled) return needsApp;
      return tf.sms
        ? {
            state: tf.sms.verified ? tf.sms.phone : `${tf.sms.phone} (not confirmed)`,
            action: { label: 'Manage', panel: 'sms' },
          }
        : { state: 'None', action: { label: 'Add', panel: 'sms' } };
  }
}

interface Props {
  me: SecurityState;
  open: MethodPanel | null;
  busy: boolean;
  onOpen: (panel: MethodPanel | null) => void;
}

/**
 * One row per sign-in method the server offers (the policy's login methods, from
 * the factor registry, in its order): the method's state and one action.
 */
export function SignInMethods({ me, open, busy, onOpen }: Props) {
  const methods = me.policy.secondFactor.methodsFor.login ?? [];
  return (
    <section aria-labelledby="methods-heading" className="card">
      <h2 id="methods-heading">Sign-in methods</h2>
      <ul className="plain method-rows">
        {methods.map((method) => {
          const row = rowOf(method, me.twoFactor);
          const isOpen = row.action !== undefined && open === row.action.panel;
          return (
            <li key={method} className="method-row" data-testid={`method-${method}`}>
              <span>
                <strong>{NAME[method]}</strong>
                <br />
                <span
                  className={row.warn ? 'warn-text' : 'muted'}
                  data-testid={method === 'backup_code' ? 'backup-codes-remaining' : undefined}
                >
                  {row.state}
                </span>
              </span>
              {row.action ? (
                <button
                  type="button"
                  className="secondary"
                  disabled={busy}
                  aria-expanded={row.action.panel === 'bind' ? undefined : isOpen}
                  onClick={() => onOpen(isOpen ? null : (row.action?.panel ?? null))}
                >
                  {isOpen ? 'Close' : row.action.label}
                  <span className="visually-hidden"> {NAME[method].toLowerCase()}</span>
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
