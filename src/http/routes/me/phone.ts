// The phone for SMS codes: adding and removing it is a step-up; a step-up can
// ask for an SMS code.
import type { AppContext } from '../../../app/context.ts';
import { addPhone, removePhone, sendSecondFactorSms, verifyPhone } from '../../../app/phone-numbers.ts';
import type { App } from '../../app-type.ts';
import { authOf, origin } from '../../auth.ts';
import { EmptyBody, NoContent, Sent, StepUpBody } from '../../contract/common.ts';
import { AddPhoneBody, PhoneAdded, VerifyPhoneBody } from '../../contract/sms.ts';
import { SECOND_FACTOR_PROBLEMS } from '../../openapi.ts';

const tags = ['sms'];

export function phoneRoutes(app: App, ctx: AppContext): void {
  app.post(
    '/phone',
    {
      schema: {
        operationId: 'addPhone',
        tags,
        summary: 'Add a phone for SMS codes (after a second factor; sends a code)',
        body: AddPhoneBody,
        response: { 202: PhoneAdded },
      },
      config: { problems: [...SECOND_FACTOR_PROBLEMS, 'two_factor_required', 'challenge_expired'] },
    },
    async (request, reply) => {
      const { phone, ...stepUp } = request.body;
      return reply.code(202).send(await addPhone(ctx, authOf(request).account, phone, stepUp, origin(request)));
    },
  );

  app.post(
    '/phone/verify',
    {
      schema: {
        operationId: 'verifyPhone',
        tags,
        summary: 'Verify the phone with the code sent to it',
        body: VerifyPhoneBody,
        response: { 204: NoContent },
      },
      config: { problems: ['invalid_code', 'not_found', 'rate_limited'] },
    },
    async (request, reply) => {
      await verifyPhone(ctx, authOf(request).account, request.body.code, origin(request));
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/phone',
    {
      schema: {
        operationId: 'removePhone',
        tags,
        summary: 'Remove the phone (after a second factor)',
        body: StepUpBody,
        response: { 204: NoContent },
      },
      config: { problems: [...SECOND_FACTOR_PROBLEMS, 'not_found', 'challenge_expired'] },
    },
    async (request, reply) => {
      await removePhone(ctx, authOf(request).account, request.body, origin(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/sms/send',
    {
      schema: {
        operationId: 'sendStepUpSms',
        tags,
        summary: 'Send an SMS code for a step-up (reset, withdrawal)',
        body: EmptyBody,
        response: { 202: Sent },
      },
      config: { problems: ['method_not_available', 'rate_limited'] },
    },
    async (request, reply) => {
      await sendSecondFactorSms(ctx, authOf(request).account.id, 'withdrawal');
      return reply.code(202).send({ status: 'sent' });
    },
  );
}
