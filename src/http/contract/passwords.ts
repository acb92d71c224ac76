// The account's own password (issue 12): POST /v1/me/password (signed in) and
// the forgotten-password calls under /v1/password-resets.
import { type Static, Type } from 'typebox';
import { Code, closed, Email, Password, SecondFactorMethod, Time, WebauthnJson } from './common.ts';

/** The second factor that must come with a new password when the account has 2FA. */
const OptionalStepUp = {
  method: Type.Optional(SecondFactorMethod),
  code: Type.Optional(Code),
  response: Type.Optional(WebauthnJson),
};

/** The token from the link. Any text is accepted here, so a forged one gets 400 `invalid_token`. */
const ResetToken = Type.String({ minLength: 1, maxLength: 512 });

export const ChangePasswordBody = closed({ currentPassword: Password, newPassword: Password, ...OptionalStepUp });

export const PasswordResetRequestBody = closed({ email: Email });
export const PasswordResetAccepted = closed({
  status: Type.Literal('accepted', { description: 'The same answer whether or not the address has an account.' }),
});

export const ResetTokenBody = closed({ token: ResetToken });
export const ResetLinkView = closed({
  email: Type.String(),
  expiresAt: Time,
  twoFactor: Type.Boolean({ description: 'The new password needs a second factor (and 8 characters are enough).' }),
  methods: Type.Array(SecondFactorMethod, { description: 'The second factors that may confirm the reset.' }),
});

export const ConfirmPasswordResetBody = closed({ token: ResetToken, newPassword: Password, ...OptionalStepUp });

export type ChangePasswordBody = Static<typeof ChangePasswordBody>;
export type PasswordResetRequestBody = Static<typeof PasswordResetRequestBody>;
export type PasswordResetAccepted = Static<typeof PasswordResetAccepted>;
export type ResetTokenBody = Static<typeof ResetTokenBody>;
export type ResetLinkView = Static<typeof ResetLinkView>;
export type ConfirmPasswordResetBody = Static<typeof ConfirmPasswordResetBody>;
