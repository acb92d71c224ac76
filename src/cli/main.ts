// `npm run latchkey -- <command>`: operator commands (agents, keys, migrations).
import '../threadpool.cts';
import { Command, CommanderError } from 'commander';
import { describeChainReport, verifyAuditChain } from '../app/audit-chain.ts';
import type { AppContext } from '../app/context.ts';
import { compose } from '../composition.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { DomainError } from '../domain/errors.ts';
import { createLogger } from '../infra/logger.ts';
import { addSupportAgent } from './agent-add.ts';
import { clientCommands } from './clients.ts';
import { rotateKeys } from './keys-rotate.ts';
import { seedCommand } from './seed.ts';
import { webhookCommands } from './webhooks.ts';

async function withContext<T>(work: (ctx: AppContext) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const built = await compose(config, createLogger('warn'));
  try {
    return await work(built.ctx);
  } finally {
    await built.close();
  }
}

const program = new Command('latchkey').description('Latchkey operator commands').exitOverride();

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(async () => {
    await withContext(async () => undefined);
    process.stdout.write('migrations applied\n');
  });

const agent = program.command('agent').description('support agents');
agent
  .command('add')
  .description('invite a support agent: prints a one-time link where the agent sets the password, then binds 2FA')
  .requiredOption('--email <email>', 'the agent email')
  .option(
    '--promote-existing',
    'make an existing account an agent: its password is reset, its sessions revoked and its factors cleared',
  )
  .option('--password <password>', 'test mode only: set the password directly instead of inviting')
  .action(async (options: { email: string; promoteExisting?: boolean; password?: string }) => {
    const result = await withContext((ctx) => addSupportAgent(ctx, options));
    process.stdout.write(
      `support agent ${result.email} ${result.created ? 'created' : 'promoted'} (${result.accountId})\n`,
    );
    if (result.invitation) {
      process.stdout.write(
        `invitation (works once, until ${result.invitation.expiresAt.toISOString()}): ${result.invitation.url}\n` +
          `give it to the agent only; the token can also be used with POST /v1/invitations/accept {token, password}\n`,
      );
    }
  });

const keys = program.command('keys').description('the keyring for secrets at rest');
keys
  .command('rotate')
  .description(
    'add a new key (key file) or use the newest key of LATCHKEY_SECRET_KEYS, and re-encrypt every secret with it',
  )
  .action(async () => {
    const config = loadConfig();
    const report = await rotateKeys(config);
    process.stdout.write(`${report}\n`);
  });

const audit = program.command('audit').description('the tamper-evident audit log');
audit
  .command('verify')
  .description('walk the audit chain: name the first changed, deleted or inserted row and print the chain head')
  .action(async () => {
    const report = await withContext((ctx) => verifyAuditChain(ctx.storage.db));
    process.stdout.write(`${describeChainReport(report)}\n`);
    if (report.broken) process.exitCode = 1;
  });

program.addCommand(webhookCommands(withContext));
program.addCommand(clientCommands(withContext));
program.addCommand(seedCommand(withContext));

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (error instanceof ConfigError || error instanceof DomainError) {
    process.stderr.write(`latchkey: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`latchkey: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
