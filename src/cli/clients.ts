// `npm run latchkey -- clients add|list|remove`: OpenID Connect relying parties.
import { Command } from 'commander';
import type { AppContext } from '../app/context.ts';
import { addClient, listClients, removeClient } from '../oidc/clients.ts';

type WithContext = <T>(work: (ctx: AppContext) => Promise<T>) => Promise<T>;

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
const collect = (value: string, previous: string[]) => [...previous, value];

export function clientCommands(withContext: WithContext): Command {
  const clients = new Command('clients').description('OpenID Connect clients (relying parties)');
  clients
    .command('add')
    .description('register a client; prints {clientId, clientSecret?} (the secret is shown only once)')
    .requiredOption('--name <name>', 'shown on the consent screen')
    .requiredOption('--redirect-uri <uri>', 'an allowed redirect URI (repeatable)', collect, [])
    .option('--public', 'a public client (mobile or single-page app): no secret, PKCE required', false)
    .option('--first-party', "the exchange's own app: no consent screen", false)
    .option(
      '--default-acr <acr>',
      'the level asked when a request names none; urn:latchkey:acr:mfa: users without 2FA bind it before returning',
    )
    .action(
      async (options: {
        name: string;
        redirectUri: string[];
        public: boolean;
        firstParty: boolean;
        defaultAcr?: string;
      }) => {
        print(
          await withContext((ctx) =>
            addClient(ctx, {
              name: options.name,
              redirectUris: options.redirectUri,
              public: options.public,
              firstParty: options.firstParty,
              defaultAcr: options.defaultAcr,
            }),
          ),
        );
      },
    );
  clients
    .command('list')
    .description('the registered clients (without secrets)')
    .action(async () => {
      print({ clients: await withContext(listClients) });
    });
  clients
    .command('remove')
    .description('remove a client: its codes and refresh tokens stop working')
    .argument('<clientId>')
    .action(async (clientId: string) => {
      await withContext((ctx) => removeClient(ctx, clientId));
      print({ removed: clientId });
    });
  return clients;
}
