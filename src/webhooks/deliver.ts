// Delivers queued security events, signed per the Standard Webhooks spec
// (webhook-id, webhook-timestamp, webhook-signature). Runs as a claimed job,
// never in a request: a slow or failing receiver delays only its own events.
// At-least-once, in order per endpoint and account, exponential back-off,
// dead letters after 24 h (retry-policy.ts).
import { Webhook } from 'standardwebhooks';
import type { AppContext } from '../app/context.ts';
import type { Job } from '../app/jobs.ts';
import { listDueDeliveries, markDeliveryDone, markDeliveryFailed } from '../storage/webhooks-repository.ts';
import { webhookSecretAad } from './endpoints.ts';
import { DELIVERY_TIMEOUT_MS, nextAttempt } from './retry-policy.ts';

const BATCH = 100;
const MAX_PER_RUN = 1_000;

type Delivery = Awaited<ReturnType<typeof listDueDeliveries>>[number];

async function post(ctx: AppContext, delivery: Delivery, timeoutMs: number): Promise<void> {
  const secret = ctx.keyring.decrypt(delivery.secret_enc, webhookSecretAad(delivery.endpoint_id)).toString('utf8');
  const now = ctx.clock.now();
  const signature = new Webhook(secret).sign(delivery.message_id, now, delivery.payload);
  const response = await fetch(delivery.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': delivery.message_id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signature,
    },
    body: delivery.payload,
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  await response.body?.cancel();
  if (response.status < 200 || response.status >= 300) throw new Error(`receiver answered ${response.status}`);
}

/**
 * Delivers what is due: each pass sends the oldest pending event of every
 * endpoint and account, so passes repeat while they deliver (up to a cap).
 */
export async function deliverWebhooks(
  ctx: AppContext,
  options: { timeoutMs?: number } = {},
): Promise<{ delivered: number; failed: number }> {
  const failedEndpoints = new Set<string>();
  const total = { delivered: 0, failed: 0 };
  for (;;) {
    const pass = await deliverPass(ctx, failedEndpoints, options.timeoutMs ?? DELIVERY_TIMEOUT_MS);
    total.delivered += pass.delivered;
    total.failed += pass.failed;
    if (pass.delivered === 0 || total.delivered >= MAX_PER_RUN) return total;
  }
}

async function deliverPass(
  ctx: AppContext,
  failedEndpoints: Set<string>,
  timeoutMs: number,
): Promise<{ delivered: number; failed: number }> {
  const db = ctx.storage.db;
  let delivered = 0;
  let failed = 0;
  for (const delivery of await listDueDeliveries(db, ctx.clock.now().toISOString(), BATCH)) {
    // A receiver that failed is not tried again in this run (it keeps the run short).
    if (failedEndpoints.has(delivery.endpoint_id)) continue;
    try {
      await post(ctx, delivery, timeoutMs);
      await markDeliveryDone(db, delivery.id, ctx.clock.now().toISOString());
      delivered += 1;
    } catch (error) {
      failedEndpoints.add(delivery.endpoint_id);
      failed += 1;
      const now = ctx.clock.now();
      const retryAt = nextAttempt(new Date(delivery.queued_at), delivery.attempts + 1, now);
      const reason = (error as Error).name === 'TimeoutError' ? 'timed out' : (error as Error).message;
      ctx.logger.warn({ deliveryId: delivery.id, endpointId: delivery.endpoint_id, error: reason }, 'webhook failed');
      await markDeliveryFailed(db, delivery.id, {
        error: reason,
        retryAt: retryAt?.toISOString() ?? null,
        now: now.toISOString(),
      });
    }
  }
  return { delivered, failed };
}

export const webhookDeliveryJob: Job = { name: 'deliver-webhooks', run: (ctx) => deliverWebhooks(ctx) };
