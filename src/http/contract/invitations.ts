// /v1/invitations: a support agent's invitation, accepted with a password.
import { type Static, Type } from 'typebox';
import { closed, Password, Token } from './common.ts';

export const AcceptInvitationBody = closed({ token: Token, password: Password });
export const InvitationAccepted = closed({ email: Type.String() });

export type AcceptInvitationBody = Static<typeof AcceptInvitationBody>;
export type InvitationAccepted = Static<typeof InvitationAccepted>;
