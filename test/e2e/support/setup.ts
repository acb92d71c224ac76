// The before/after hooks every journey file shares: a fresh artifact folder,
// the built UI, a real server and Chromium, closed again afterwards.
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import { freshArtifacts, launch } from './browser.ts';
import { startServer, type TestServer } from './server.ts';
import { ensureWebBuilt } from './web-build.ts';

export interface JourneySetup {
  server: () => TestServer;
  browser: () => Browser;
}

/** Registers the hooks; `artifacts` names the journey's artifact folders
 * (emptied first), `env` the server's settings. The accessors work from the
 * tests on, once `before` ran. */
export function journeySetup(artifacts: string | string[], env: Record<string, string> = {}): JourneySetup {
  let server: TestServer | undefined;
  let browser: Browser | undefined;

  before(async () => {
    for (const name of [artifacts].flat()) await freshArtifacts(name);
    await ensureWebBuilt();
    server = await startServer(env);
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  return {
    server: () => {
      if (!server) throw new Error('journeySetup: the server is not started yet');
      return server;
    },
    browser: () => {
      if (!browser) throw new Error('journeySetup: the browser is not launched yet');
      return browser;
    },
  };
}
