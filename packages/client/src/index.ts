// A typed client for the Latchkey HTTP API. The types in schema.d.ts are
// generated from the server's /openapi.json (`npm run client:generate`); a
// test fails when they fall out of step with what the server serves.
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './schema.d.ts';

export type { components, operations, paths };
export type LatchkeyClient = Client<paths>;
/** An RFC 9457 problem answer; `code` is one of the server's error codes. */
export type Problem = components['schemas']['Problem'];
export type ErrorCode = Problem['code'];

export interface LatchkeyClientOptions extends ClientOptions {
  /** Sent as `Authorization: Bearer <token>` on every call (the `token` of a login). */
  token?: string;
}

export function createLatchkeyClient({ token, ...options }: LatchkeyClientOptions = {}): LatchkeyClient {
  const client = createClient<paths>(options);
  if (token) {
    client.use({
      onRequest({ request }) {
        if (!request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${token}`);
        return request;
      },
    });
  }
  return client;
}
