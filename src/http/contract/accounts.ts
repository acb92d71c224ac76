// POST /v1/accounts.
import { type Static, Type } from 'typebox';
import { closed, Email, Password } from './common.ts';

export const CreateAccountBody = closed({ email: Email, password: Password });
export const AccountCreated = closed({ accountId: Type.String(), email: Type.String() });

export type CreateAccountBody = Static<typeof CreateAccountBody>;
export type AccountCreated = Static<typeof AccountCreated>;
