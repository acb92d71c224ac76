// The one place that talks HTTP to the Latchkey API (same origin, /v1/...).
// The session lives in an HttpOnly cookie the browser sends by itself; the
// bearer token in the JSON answers is never stored. State-changing calls
// carry the double-submit CSRF header read from the `latchkey_csrf` cookie.

interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  [extra: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Problem;
  /** Seconds from the `Retry-After` header, when the server sent one. */
  readonly retryAfter: number | null;
  /** When this error was received (to turn Retry-After into a clock time). */
  readonly receivedAt: number;

  constructor(status: number, problem: Problem, retryAfter: number | null) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = problem.code ?? (status === 0 ? 'network_error' : `http_${status}`);
    this.problem = problem;
    this.retryAfter = retryAfter;
    this.receivedAt = Date.now();
  }
}

export const SESSION_ENDED = 'latchkey:session-ended';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Over https the server names it `__Host-latchkey_csrf` (issue 15, item 9). */
const csrfCookie = (): string | null => readCookie('__Host-latchkey_csrf') ?? readCookie('latchkey_csrf');

function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

interface RequestOptions {
  method?: string;
  body?: unknown;
  /** `Authorization: Ticket <token>` for recovery-ticket calls. */
  ticketToken?: string;
  accept?: string;
}

function buildHeaders(method: string, opts: RequestOptions, hasJsonBody: boolean): Headers {
  const headers = new Headers();
  headers.set('Accept', opts.accept ?? 'application/json, application/problem+json');
  if (hasJsonBody) headers.set('Content-Type', 'application/json');
  if (UNSAFE.has(method)) {
    const csrf = csrfCookie();
    if (csrf) headers.set('X-CSRF-Token', csrf);
  }
  if (opts.ticketToken) headers.set('Authorization', `Ticket ${opts.ticketToken}`);
  return headers;
}

function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.round((date - Date.now()) / 1000));
}

async function toApiError(res: Response): Promise<ApiError> {
  let problem: Problem = { status: res.status };
  try {
    const text = await res.text();
    if (text) problem = { status: res.status, ...(JSON.parse(text) as Problem) };
  } catch {
    // Not JSON (a proxy error page, say): keep the status alone.
  }
  return new ApiError(res.status, problem, parseRetryAfter(res.headers.get('Retry-After')));
}

async function send(path: string, opts: RequestOptions): Promise<Response> {
  const method = (opts.method ?? 'GET').toUpperCase();
  const hasJsonBody = opts.body !== undefined;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: buildHeaders(method, opts, hasJsonBody),
      body: hasJsonBody ? JSON.stringify(opts.body) : undefined,
    });
  } catch {
    throw new ApiError(0, { code: 'network_error' }, null);
  }
  if (!res.ok) {
    const err = await toApiError(res);
    // The session ended (expired, or signed out in another tab): tell the app.
    if (err.code === 'unauthenticated') window.dispatchEvent(new Event(SESSION_ENDED));
    throw err;
  }
  return res;
}

/** JSON call; resolves to `undefined` for 204 / empty bodies. */
export async function api<T = unknown>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await send(path, opts);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Binary call (exports, evidence files). */
export async function apiBlob(path: string, opts: RequestOptions = {}): Promise<Blob> {
  const res = await send(path, { accept: '*/*', ...opts });
  return res.blob();
}

/** Saves a blob as a file: object URL + a temporary <a download> click. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // Give the browser time to start the download before revoking.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

interface UploadOptions {
  ticketToken?: string;
  onProgress?: (fraction: number) => void;
}

/**
 * multipart/form-data upload through XMLHttpRequest, because fetch() has no
 * upload progress events.
 */
export function upload<T = unknown>(path: string, form: FormData, opts: UploadOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = false; // same origin: cookies go anyway
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    const csrf = csrfCookie();
    if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
    if (opts.ticketToken) xhr.setRequestHeader('Authorization', `Ticket ${opts.ticketToken}`);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && opts.onProgress) opts.onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(0, { code: 'network_error' }, null));
    xhr.onabort = () => reject(new ApiError(0, { code: 'network_error' }, null));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        opts.onProgress?.(1);
        resolve(body as T);
      } else {
        const problem: Problem = { status: xhr.status, ...((body as Problem | undefined) ?? {}) };
        reject(new ApiError(xhr.status, problem, parseRetryAfter(xhr.getResponseHeader('Retry-After'))));
      }
    };
    xhr.send(form);
  });
}
