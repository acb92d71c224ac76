// A webhook receiver on 127.0.0.1 for tests: verifies each delivery with the
// standardwebhooks library, and can fail or hang on purpose.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

interface Received {
  readonly id: string;
  readonly type: string;
  readonly accountId: string | null;
  readonly raw: string;
}

/** A webhook receiver on 127.0.0.1 that verifies each delivery and can fail or hang on purpose. */
export class Receiver {
  readonly received: Received[] = [];
  readonly rejected: string[] = [];
  failNext = 0;
  hang = false;
  secret = '';
  #server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      if (this.hang) return; // never answers
      if (this.failNext > 0) {
        this.failNext -= 1;
        response.writeHead(500).end();
        return;
      }
      try {
        const payload = new Webhook(this.secret).verify(body, request.headers as Record<string, string>) as {
          type: string;
          data: { accountId: string | null };
        };
        this.received.push({
          id: String(request.headers['webhook-id']),
          type: payload.type,
          accountId: payload.data.accountId,
          raw: body,
        });
        response.writeHead(204).end();
      } catch (error) {
        this.rejected.push((error as Error).message);
        response.writeHead(400).end();
      }
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hooks`;
  }

  typesFor(accountId: string): string[] {
    return this.received.filter((r) => r.accountId === accountId).map((r) => r.type);
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
