// Authenticator-app codes (RFC 6238) through the gate.
import { normalizeCode } from '../../../domain/backup-codes.ts';
import { DomainError } from '../../../domain/errors.ts';
import { checkTotp, TOTP_DIGITS, totpStep } from '../../../domain/totp.ts';
import { acceptTotpStep, burnTotpStep, findActiveTotpBinding } from '../../../storage/totp-repository.ts';
import { decryptTotpSecret } from '../../totp-secrets.ts';
import { type Factor, failed, invalidCode, notAvailable, type SecondFactorWarning } from '../factor.ts';

export const totpFactor: Factor = async (ctx, account, input, now) => {
  const binding = await findActiveTotpBinding(ctx.storage.db, account.id);
  if (!binding) throw notAvailable('totp');
  if (input.code === undefined) throw new DomainError('invalid_request', 'A code is required.');
  const code = normalizeCode(input.code, TOTP_DIGITS);
  return {
    // A TOTP code is a new guess at every step (the right answer changes), so a
    // repeat is scoped to the step: otherwise one wrong code could be resubmitted
    // every 30 s without ever counting.
    guess: `${code}|${totpStep(now.getTime())}`,
    async verify() {
      const check = checkTotp(decryptTotpSecret(ctx.keyring, binding), code, now.getTime(), {
        lastStep: binding.last_step,
        driftSteps: binding.drift_steps,
      });
      if (check.kind === 'out_of_sync') {
        const direction = check.driftSeconds > 0 ? 'ahead' : 'behind';
        const refusal = failed(
          new DomainError(
            'clock_out_of_sync',
            `The code is wrong now but right for a time ${Math.abs(check.driftSeconds)} seconds ${direction}: your phone's clock is off. Set its date and time to automatic.`,
            { driftSeconds: check.driftSeconds },
          ),
        );
        if (check.driftSeconds <= 0) return refusal;
        // The diagnosis says "this code is right N minutes from now": without this,
        // an attacker could wait and submit it then. Its step is burnt instead;
        // a phone whose clock runs ahead waits that long after it is corrected.
        return async (trx) => {
          await burnTotpStep(trx, binding.id, check.step);
          return refusal(trx);
        };
      }
      if (check.kind === 'invalid') return failed();
      return async (trx) => {
        // The conditional write decides replays and races: only one request can record a step.
        if (!(await acceptTotpStep(trx, binding.id, check.step, check.driftSteps)))
          return { ok: false, error: invalidCode() };
        const warnings: SecondFactorWarning[] =
          check.driftSeconds !== 0 ? [{ code: 'clock_drift', driftSeconds: check.driftSeconds }] : [];
        return { ok: true, outcome: { method: 'totp', warnings } };
      };
    },
  };
};
