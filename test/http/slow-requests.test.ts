// Issue 15 item 5: half-sent requests must not hold sockets (Fastify's default
// request timeout is none: a half-sent body was held 421 s), and health keeps
// answering while slow clients hang. Runs on a real socket: inject has none.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { describeOnEachDatabase } from '../support/harness.ts';

function halfSent(port: number, kind: 'headers' | 'body'): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      const head = 'POST /v1/accounts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n';
      socket.write(kind === 'headers' ? head : `${head}Content-Length: 100\r\n\r\n{"email":`);
      resolve(socket);
    });
    socket.on('error', () => {});
    socket.once('error', reject);
  });
}

function closed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed || socket.readyState === 'closed') resolve();
    else socket.once('close', () => resolve());
  });
}

async function health(port: number): Promise<number> {
  return (await fetch(`http://127.0.0.1:${port}/healthz`)).status;
}

describeOnEachDatabase(
  'slow requests',
  { env: { LATCHKEY_REQUEST_TIMEOUT_SECONDS: '2', LATCHKEY_MAX_CONNECTIONS: '100' }, only: ['sqlite'] },
  (h) => {
    test('half-sent headers and bodies are cut off; health answers meanwhile and after', {
      timeout: 30_000,
    }, async () => {
      await h.app.listen({ port: 0, host: '127.0.0.1' });
      const port = (h.app.server.address() as net.AddressInfo).port;
      const slow = await Promise.all(
        Array.from({ length: 40 }, (_, i) => halfSent(port, i % 2 === 0 ? 'headers' : 'body')),
      );
      assert.equal(await health(port), 200, 'health answers while 40 clients hang');
      // Without a request timeout these sockets stay open for minutes: the
      // suite's own timeout would end the test first.
      await Promise.all(slow.map(closed));
      assert.equal(await health(port), 200, 'health answers after');
    });

    test('past the connection cap new sockets are dropped, and served again once the slow ones are cut off', {
      timeout: 30_000,
    }, async () => {
      const port = (h.app.server.address() as net.AddressInfo).port;
      const slow = await Promise.all(Array.from({ length: 100 }, () => halfSent(port, 'body')));
      const extra = net.connect(port, '127.0.0.1');
      extra.on('error', () => {});
      await closed(extra);
      await Promise.all(slow.map(closed));
      assert.equal(await health(port), 200);
    });
  },
);
