// `npm run latchkey -- webhooks add|list|remove|replay`: one JSON line per answer.
import { Command } from 'commander';
import type { AppContext } from '../app/context.ts';
import { addWebhook, listWebhooks, removeWebhook, replayWebhooks } from '../webhooks/endpoints.ts';

type WithContext = <T>(work: (ctx: AppContext) => Promise<T>) => Promise<T>;

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

export function webhookCommands(withContext: WithContext): Command {
  const webhooks = new Command('webhooks').description('signed security events (Standard Webhooks)');
  webhooks
    .command('add')
    .description('register an endpoint; prints {webhookId, secret} (the signing secret is shown only once)')
    .requiredOption('--url <url>', 'the http(s) URL events are POSTed to')
    .option('--events <names>', 'comma-separated event types (default: every event)')
    .action(async (options: { url: string; events?: string }) => {
      const events = options.events?.split(',').map((e) => e.trim());
      print(await withContext((ctx) => addWebhook(ctx, { url: options.url, events })));
    });
  webhooks
    .command('list')
    .description('the registered endpoints (without their secrets)')
    .action(async () => {
      print({ webhooks: await withContext(listWebhooks) });
    });
  webhooks
    .command('remove')
    .description('stop delivering to an endpoint')
    .argument('<webhookId>')
    .action(async (webhookId: string) => {
      await withContext((ctx) => removeWebhook(ctx, webhookId));
      print({ removed: webhookId });
    });
  webhooks
    .command('replay')
    .description('deliver again every event since a time (also dead-lettered ones), in order')
    .requiredOption('--since <time>', 'ISO 8601 date and time, e.g. 2026-01-31T12:00:00Z')
    .option('--webhook <webhookId>', 'only this endpoint')
    .action(async (options: { since: string; webhook?: string }) => {
      print(await withContext((ctx) => replayWebhooks(ctx, { since: options.since, webhookId: options.webhook })));
    });
  return webhooks;
}
