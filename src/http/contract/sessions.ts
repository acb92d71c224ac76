// /v1/sessions: the password step, the second-factor step, logout, and the
// helpers of the second step (SMS code, security-key options).
import { type Static, Type } from 'typebox';
import { Code, closed, Email, Password, SecondFactorMethod, Time, Token, Warning, WebauthnJson } from './common.ts';

export const LoginBody = closed({ email: Email, password: Password });
export const LoginResponse = Type.Union([
  closed({ status: Type.Literal('authenticated'), token: Type.String(), expiresAt: Time }),
  closed({
    status: Type.Literal('second_factor_required'),
    challenge: Type.String(),
    methods: Type.Array(SecondFactorMethod, { description: 'Only the methods the account has bound.' }),
    expiresAt: Time,
  }),
]);

export const VerifyBody = closed({
  challenge: Token,
  method: SecondFactorMethod,
  code: Type.Optional(Code),
  response: Type.Optional(WebauthnJson),
});
export const VerifyResponse = closed({
  status: Type.Literal('authenticated'),
  token: Type.String(),
  expiresAt: Time,
  warnings: Type.Array(Warning),
  backupCodesRemaining: Type.Optional(Type.Integer({ minimum: 0 })),
});

/** The login challenge of the password step, for the calls that help the second step. */
export const ChallengeBody = closed({ challenge: Token });

export type LoginBody = Static<typeof LoginBody>;
export type LoginResponse = Static<typeof LoginResponse>;
export type VerifyBody = Static<typeof VerifyBody>;
export type VerifyResponse = Static<typeof VerifyResponse>;
export type ChallengeBody = Static<typeof ChallengeBody>;
