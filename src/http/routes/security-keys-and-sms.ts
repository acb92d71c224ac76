// Further second factors: security keys (WebAuthn) and SMS codes. The JSON
// shapes of WebAuthn options and responses are the spec's
// (PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON, …).
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
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
import { EmptyBody, NoContent, Sent, StepUpBody } from '../contract/common.ts';
import { RegisterKeyBody, SecurityKeyParams } from '../contract/security-keys.ts';
import { ChallengeBody } from '../contract/sessions.ts';
import { AddPhoneBody, VerifyPhoneBody } from '../contract/sms.ts';

export function securityKeyAndSmsRoutes(app: App, ctx: AppContext): void {
  const preHandler = requireSession(ctx);
  const tags = ['further factors'];

  app.post(
    '/v1/me/security-keys/options',
    {
      schema: {
        tags,
        summary: 'Options to register a security key (after a second factor)',
        body: StepUpBody,
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
        body: RegisterKeyBody,
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
        params: SecurityKeyParams,
        body: StepUpBody,
      },
      preHandler,
    },
    async (request, reply) => {
      await removeSecurityKey(ctx, authOf(request).account, request.params.id, request.body, origin(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/v1/me/security-keys/assertion-options',
    {
      schema: {
        tags,
        summary: 'Options for a security-key step-up (reset, withdrawal)',
        body: EmptyBody,
      },
      preHandler,
    },
    async (request) => securityKeyAssertionOptions(ctx, authOf(request).account.id),
  );

  app.post(
    '/v1/sessions/webauthn/options',
    { schema: { tags: ['sessions'], summary: 'Options for a security-key login', body: ChallengeBody } },
    async (request) => {
      const { account } = await openLoginChallenge(ctx, request.body.challenge);
      return securityKeyAssertionOptions(ctx, account.id);
    },
  );

  app.post(
    '/v1/sessions/sms',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Send an SMS code for this login',
        body: ChallengeBody,
        response: { 202: Sent },
      },
    },
    async (request, reply) => {
      const { account } = await openLoginChallenge(ctx, request.body.challenge);
      await sendSecondFactorSms(ctx, account.id);
      return reply.code(202).send({ status: 'sent' });
    },
  );

  app.post(
    '/v1/me/sms/send',
    {
      schema: {
        tags,
        summary: 'Send an SMS code for a step-up (reset, withdrawal)',
        body: EmptyBody,
        response: { 202: Sent },
      },
      preHandler,
    },
    async (request, reply) => {
      await sendSecondFactorSms(ctx, authOf(request).account.id);
      return reply.code(202).send({ status: 'sent' });
    },
  );

  app.post(
    '/v1/me/phone',
    {
      schema: {
        tags,
        summary: 'Add a phone for SMS codes (after a second factor; sends a code)',
        body: AddPhoneBody,
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
      schema: {
        tags,
        summary: 'Verify the phone with the code sent to it',
        body: VerifyPhoneBody,
        response: { 204: NoContent },
      },
      preHandler,
    },
    async (request, reply) => {
      await verifyPhone(ctx, authOf(request).account, request.body.code, origin(request));
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/v1/me/phone',
    { schema: { tags, summary: 'Remove the phone (after a second factor)', body: StepUpBody }, preHandler },
    async (request, reply) => {
      await removePhone(ctx, authOf(request).account, request.body, origin(request));
      return reply.code(204).send(null);
    },
  );
}
