// A relying party's view of Latchkey in tests: openid-client's fetch and a
// small cookie-keeping "browser", both over fastify.inject() (no sockets).
import type { Harness } from '../support/harness.ts';

export const ORIGIN = 'http://latchkey.test';

async function inject(
  h: Harness,
  url: URL,
  init: { method?: string; headers?: Record<string, string>; body?: string },
) {
  return h.app.inject({
    method: (init.method ?? 'GET') as 'GET',
    url: `${url.pathname}${url.search}`,
    headers: { ...init.headers, host: url.host },
    ...(init.body !== undefined ? { payload: init.body } : {}),
  });
}

/** openid-client's customFetch: every request to the issuer goes to the in-process server. */
export function injectFetch(h: Harness) {
  return async (input: string, options: { method?: string; headers?: HeadersInit; body?: unknown }) => {
    const url = new URL(input);
    if (url.origin !== ORIGIN) throw new Error(`unexpected request to ${url.origin}`);
    const headers = Object.fromEntries(new Headers(options.headers).entries());
    const body = options.body === undefined || options.body === null ? undefined : String(options.body);
    const response = await inject(h, url, { method: options.method ?? 'GET', headers, ...(body ? { body } : {}) });
    const out = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) out.set(name, Array.isArray(value) ? value.join(', ') : String(value));
    }
    return new Response(response.statusCode === 204 ? null : new Uint8Array(response.rawPayload), {
      status: response.statusCode,
      headers: out,
    });
  };
}

export interface Page {
  readonly status: number;
  readonly url: URL;
  readonly location: string | undefined;
  readonly body: string;
}

/** Keeps cookies per host and follows redirects within Latchkey until they leave it. */
export class Browser {
  readonly #cookies = new Map<string, string>();

  constructor(readonly h: Harness) {}

  setCookie(name: string, value: string): void {
    this.#cookies.set(name, value);
  }

  #cookieHeader(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  #keep(setCookie: string | string[] | undefined): void {
    for (const line of [setCookie ?? []].flat()) {
      const [pair = '', ...attributes] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some((a) => /expires=thu, 01 jan 1970/i.test(a) || /max-age=0\b/i.test(a));
      if (expired || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  async request(method: string, target: string | URL, form?: Record<string, string>): Promise<Page> {
    const url = new URL(target, ORIGIN);
    const response = await inject(this.h, url, {
      method,
      headers: {
        cookie: this.#cookieHeader(),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    this.#keep(response.headers['set-cookie']);
    const location = response.headers.location;
    return { status: response.statusCode, url, location: location ? String(location) : undefined, body: response.body };
  }

  /** Follows redirects while they stay in Latchkey's OpenID area; returns the last page, or where it was sent. */
  async navigate(method: string, target: string | URL, form?: Record<string, string>): Promise<Page> {
    let page = await this.request(method, target, form);
    while (page.location && page.status >= 300 && page.status < 400) {
      const next = new URL(page.location, page.url);
      if (next.origin !== ORIGIN || !next.pathname.startsWith('/oidc/')) return page;
      page = await this.request('GET', next);
    }
    return page;
  }
}

/** The value of a hidden form field on an HTML page. */
export function formField(html: string, name: string): string {
  const match = new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(html);
  if (!match?.[1]) throw new Error(`no ${name} field on the page`);
  return match[1];
}

export function formAction(html: string): string {
  const match = /<form[^>]*action="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no form on the page');
  return match[1].replace(/&amp;/g, '&');
}
