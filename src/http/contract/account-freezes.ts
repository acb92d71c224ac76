// /v1/account-freezes: "this wasn't me" (issue 12). The token of a security
// email's freeze link, or nothing when the owner is signed in.
import { type Static, Type } from 'typebox';
import { closed } from './common.ts';

export const FreezeBody = closed({
  token: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 512,
      description:
        'From the link of a security email (/freeze#token=…). Any other value answers 400 invalid_token. Leave it out when signed in.',
    }),
  ),
});
export const Frozen = closed({ frozen: Type.Literal(true) });

export type FreezeBody = Static<typeof FreezeBody>;
export type Frozen = Static<typeof Frozen>;
