// The phone for SMS codes under /v1/me/phone and /v1/me/sms.
import { type Static, Type } from 'typebox';
import { Code, closed, StepUpFields } from './common.ts';

export const AddPhoneBody = closed({
  phone: Type.String({ minLength: 8, maxLength: 32, description: 'International format' }),
  ...StepUpFields,
});
export const PhoneAdded = closed({ phone: Type.String({ description: 'Masked.' }) });
export const VerifyPhoneBody = closed({ code: Code });

export type AddPhoneBody = Static<typeof AddPhoneBody>;
export type PhoneAdded = Static<typeof PhoneAdded>;
export type VerifyPhoneBody = Static<typeof VerifyPhoneBody>;
