// THE list of second-factor methods the server runs. Adding a method: its name
// in SECOND_FACTOR_METHODS (domain/second-factor.ts), a folder beside these
// with its FactorModule, and one line here. The login step, step-ups, 2FA
// reset, recovery approval and key rotation all loop over this list, and
// test/app/factor-registry.test.ts checks every entry's removal and rotation.
import { SECOND_FACTOR_METHODS, type SecondFactorMethod } from '../../domain/second-factor.ts';
import { backupCodeModule } from './backup-code/module.ts';
import type { FactorModule } from './factor.ts';
import { smsModule } from './sms/module.ts';
import { totpModule } from './totp/module.ts';
import { webauthnModule } from './webauthn/module.ts';

/** Keyed by method: the compiler refuses a method without its module. */
const MODULES: { readonly [M in SecondFactorMethod]: FactorModule<M> } = {
  totp: totpModule,
  backup_code: backupCodeModule,
  webauthn: webauthnModule,
  sms: smsModule,
};

/** Every factor module, in the order the UI offers the methods. */
export const FACTOR_MODULES: readonly FactorModule[] = SECOND_FACTOR_METHODS.map((method) => MODULES[method]);

export function factorModule(method: SecondFactorMethod): FactorModule {
  return MODULES[method];
}
