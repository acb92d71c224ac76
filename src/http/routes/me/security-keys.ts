// Security keys (WebAuthn): adding and removing one is a step-up like a withdrawal.
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import type { AppContext } from '../../../app/context.ts';
import {
  registerSecurityKey,
  removeSecurityKey,
  securityKeyAssertionOptions,
  securityKeyRegistrationOptions,
} from '../../../app/security-keys.ts';
import type { App } from '../../app-type.ts';
import { authOf, origin } from '../../auth.ts';
import { EmptyBody, NoContent, StepUpBody } from '../../contract/common.ts';
import {
  RegisterKeyBody,
  SecurityKeyCreated,
  SecurityKeyParams,
  WebauthnOptions,
} from '../../contract/security-keys.ts';
import { SECOND_FACTOR_PROBLEMS } from '../../openapi.ts';

const tags = ['security keys'];

export function securityKeyRoutes(app: App, ctx: AppContext): void {
  app.post(
    '/security-keys/options',
    {
      schema: {
        operationId: 'securityKeyRegistrationOptions',
        tags,
        summary: 'Options to register a security key (after a second factor)',
        body: StepUpBody,
        response: { 200: WebauthnOptions },
      },
      config: { problems: [...SECOND_FACTOR_PROBLEMS, 'two_factor_required', 'challenge_expired'] },
    },
    async (request) => securityKeyRegistrationOptions(ctx, authOf(request).account, request.body, origin(request)),
  );

  app.post(
    '/security-keys',
    {
      schema: {
        operationId: 'registerSecurityKey',
        tags,
        summary: 'Register a security key with the authenticator response',
        body: RegisterKeyBody,
        response: { 201: SecurityKeyCreated },
      },
      config: { problems: ['challenge_expired', 'invalid_state', 'two_factor_required'] },
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
    '/security-keys/:id',
    {
      schema: {
        operationId: 'removeSecurityKey',
        tags,
        summary: 'Remove a security key (after a second factor)',
        params: SecurityKeyParams,
        body: StepUpBody,
        response: { 204: NoContent },
      },
      config: { problems: [...SECOND_FACTOR_PROBLEMS, 'not_found', 'challenge_expired'] },
    },
    async (request, reply) => {
      await removeSecurityKey(ctx, authOf(request).account, request.params.id, request.body, origin(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/security-keys/assertion-options',
    {
      schema: {
        operationId: 'securityKeyStepUpOptions',
        tags,
        summary: 'Options for a security-key step-up (reset, withdrawal, factor change)',
        body: EmptyBody,
        response: { 200: WebauthnOptions },
      },
      config: { problems: ['method_not_available'] },
    },
    async (request) => securityKeyAssertionOptions(ctx, authOf(request).account.id, 'step_up'),
  );
}
