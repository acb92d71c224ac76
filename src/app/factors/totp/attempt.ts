// Authenticator-app codes (RFC 6238) through the gate.
import { normalizeCode } from '../../../domain/backup-codes.ts';
import { DomainError } from '../../../domain/errors.ts';
import { checkTotp, clockDriftIsReal, TOTP_DIGITS, TOTP_PERIOD_SECONDS, totpStep } from '../../../domain/totp.ts';
import { acceptTotpStep, burnTotpStep, findActiveTotpBinding } from '../../../storage/totp-repository.ts';
import { decryptTotpSecret } from '../../totp-secrets.ts';
import { alreadySpent, type Factor, failed, notAvailable, type SecondFactorWarning } from '../factor.ts';

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
        burntStep: binding.burnt_step,
      });
      if (check.kind === 'reserved') {
        // The right code, but for a step a clock diagnosis burnt (the fast-clock
        // trap, issue 14): not a guess, and the answer says when codes work again.
        const retryAt = new Date(check.retryAtMs).toISOString();
        return async () => ({
          ok: false,
          uncounted: true,
          error: new DomainError(
            'code_step_reserved',
            `This code's time was used up by the earlier code from the fast clock. Codes work again at ${retryAt}; a backup code works now.`,
            { retryAt },
          ),
        });
      }
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
      if (check.kind === 'replay') return async () => alreadySpent();
      return async (trx) => {
        // The conditional write decides replays and races: only one request can record a step.
        // Lost to a racing request with the same code: a repeat, not a guess.
        if (!(await acceptTotpStep(trx, binding.id, check.step, check.driftSteps))) return alreadySpent();
        // One step off once is typing or network delay; warned only when the drift is real.
        const warnings: SecondFactorWarning[] = clockDriftIsReal(
          check.driftSeconds / TOTP_PERIOD_SECONDS,
          binding.drift_steps,
        )
          ? [{ code: 'clock_drift', driftSeconds: check.driftSeconds }]
          : [];
        return { ok: true, outcome: { method: 'totp', warnings } };
      };
    },
  };
};
