// Further second factors: security keys (WebAuthn) and SMS codes. The JSON
// shapes of WebAuthn options and responses are the spec's
// (PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON, …).
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { Type } from 'typebox';
import type { AppContext } from '../../app/context.ts';
import { openLoginChallenge } from '../../app/login-challenge.ts';
import { addPhone, removePhone, sendSecondFactorSms, verifyPhone } from '../../app/phone-numbers.ts';
import {
  registerSecurityKey,
  removeSecurityKey,
  securityKeyAssertionOptions,
  securityKeyRegistrationOptions,
} from '../../app/security-keys.ts';
import type { App } from '../app-type.ts';
import { authOf, origin, requireSession } from '../auth.ts';
import { Code, closed, StepUpFields, Token, WebauthnJson } from '../schemas.ts';

export function securityKeyAndSmsRoutes(app: App, ctx: AppContext): void {
  const preHandler = requireSession(ctx);
  const tags = ['further factors'];

  app.post(
    '/v1/me/security-keys/options',
    {
      schema: {
        tags,
        summary: 'Options to register a security key (after a second factor)',
        body: closed(StepUpFields),
      },
      preHandler,
    },
    async (request) => securityKeyRegistrationOptions(ctx, authOf(request).account, request.body, origin(request)),
  );

  app.post(
    '/v1/me/security-keys',
    {
      schema: {
        tags,
        summary: 'Register a security key with the authenticator response',
        body: closed({
          name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\u0000-\\u001f\\u007f]+$' }),
          response: WebauthnJson,
        }),
      },
      preHandler,
    },
    async (request, reply) => {
      const { name, response } = request.body;
      const key = await registerSecurityKey(ctx, authOf(request).account, {
        name,
        response: response as unknown as RegistrationResponseJSON,
      });
      return reply.code(201).send(key);
    },
  );

  app.delete(
    '/v1/me/security-keys/:id',
    {
      schema: {
        tags,
        summary: 'Remove a security key (after a second factor)',
        params: closed({ id: Type.String({ maxLength: 64 }) }),
        body: closed(StepUpFields),
      },
      preHandler,
    },
    async (request, reply) => {
      await removeSecurityKey(ctx, authOf(request).account, request.params.id, request.body, origin(request));
      return reply.code(204).send();
    },
  );

  app.post(
    '/v1/me/security-keys/assertion-options',
    {
      schema: {
        tags,
        summary: 'Options for a security-key step-up (reset, withdrawal)',
        body: Type.Optional(closed({})),
      },
      preHandler,
    },
    async (request) => securityKeyAssertionOptions(ctx, authOf(request).account.id, 'step_up'),
  );

  app.post(
    '/v1/sessions/webauthn/options',
    { schema: { tags: ['sessions'], summary: 'Options for a security-key login', body: closed({ challenge: Token }) } },
    async (request) => {
      const { account } = await openLoginChallenge(ctx, request.body.challenge);
      return securityKeyAssertionOptions(ctx, account.id, 'login');
    },
  );

  app.post(
    '/v1/sessions/sms',
    { schema: { tags: ['sessions'], summary: 'Send an SMS code for this login', body: closed({ challenge: Token }) } },
    async (request, reply) => {
      const { account } = await openLoginChallenge(ctx, request.body.challenge);
      await sendSecondFactorSms(ctx, account.id, 'login');
      return reply.code(202).send({ status: 'sent' });
    },
  );

  app.post(
    '/v1/me/sms/send',
    {
      schema: { tags, summary: 'Send an SMS code for a step-up (reset, withdrawal)', body: Type.Optional(closed({})) },
      preHandler,
    },
    async (request, reply) => {
      // No step-up takes SMS (the purpose policy): this answers 403 method_not_allowed.
      await sendSecondFactorSms(ctx, authOf(request).account.id, 'withdrawal');
      return reply.code(202).send({ status: 'sent' });
    },
  );

  app.post(
    '/v1/me/phone',
    {
      schema: {
        tags,
        summary: 'Add a phone for SMS codes (after a second factor; sends a code)',
        body: closed({ phone: Type.String({ minLength: 8, maxLength: 32 }), ...StepUpFields }),
      },
      preHandler,
    },
    async (request, reply) => {
      const { phone, ...stepUp } = request.body;
      return reply.code(202).send(await addPhone(ctx, authOf(request).account, phone, stepUp, origin(request)));
    },
  );

  app.post(
    '/v1/me/phone/verify',
    {
      schema: { tags, summary: 'Verify the phone with the code sent to it', body: closed({ code: Code }) },
      preHandler,
    },
    async (request, reply) => {
      await verifyPhone(ctx, authOf(request).account, request.body.code, origin(request));
      return reply.code(204).send();
    },
  );

  app.delete(
    '/v1/me/phone',
    { schema: { tags, summary: 'Remove the phone (after a second factor)', body: closed(StepUpFields) }, preHandler },
    async (request, reply) => {
      await removePhone(ctx, authOf(request).account, request.body, origin(request));
      return reply.code(204).send();
    },
  );
}
