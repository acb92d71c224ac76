// Accounts the journeys start from, arranged through the API.
import { apiCall, serverNow, type TestServer } from './server.ts';
import { totpAt } from './totp.ts';

/** A new account with an authenticator bound and its backup codes acknowledged; the setup key is returned. */
export async function accountWithAuthenticator(server: TestServer, email: string, password: string): Promise<string> {
  await apiCall(server, '/v1/accounts', { email, password });
  const { token } = await apiCall<{ token: string }>(server, '/v1/sessions', { email, password });
  const setup = await apiCall<{ setupId: string; secret: string }>(server, '/v1/me/totp/setup', {}, token);
  const code = await totpAt(setup.secret, await serverNow(server));
  const { revealToken } = await apiCall<{ revealToken: string }>(
    server,
    '/v1/me/totp/confirm',
    { setupId: setup.setupId, code },
    token,
  );
  await apiCall(server, '/v1/me/backup-codes/acknowledge', { revealToken }, token);
  return setup.secret;
}
