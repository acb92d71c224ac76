// /v1/withdrawals.
import { type Static, Type } from 'typebox';
import { closed, StepUpFields, Time, Warning } from './common.ts';

export const WithdrawalBody = closed({
  asset: Type.String({ pattern: '^[A-Z0-9]{2,12}$' }),
  amount: Type.String({
    pattern: '^(?!0+(\\.0+)?$)\\d{1,20}(\\.\\d{1,18})?$',
    description: 'A positive decimal as a string',
  }),
  address: Type.String({ minLength: 10, maxLength: 128, pattern: '^[A-Za-z0-9:_.-]+$' }),
  ...StepUpFields,
});
export const WithdrawalAccepted = closed({
  withdrawalId: Type.String(),
  status: Type.Literal('accepted'),
  warnings: Type.Array(Warning),
  backupCodesRemaining: Type.Optional(Type.Integer({ minimum: 0 })),
});
export const WithdrawalView = closed({
  withdrawalId: Type.String(),
  asset: Type.String(),
  amount: Type.String(),
  address: Type.String(),
  status: Type.String(),
  createdAt: Time,
});
export const WithdrawalList = closed({ withdrawals: Type.Array(WithdrawalView) });

export type WithdrawalBody = Static<typeof WithdrawalBody>;
export type WithdrawalAccepted = Static<typeof WithdrawalAccepted>;
export type WithdrawalView = Static<typeof WithdrawalView>;
export type WithdrawalList = Static<typeof WithdrawalList>;
