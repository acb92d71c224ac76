// JSON bodies: strict UTF-8 (RFC 8259 §8.1) and no character that text may
// never hold. The default parser would turn invalid bytes into U+FFFD, so
// different invalid passwords would become the same one (issue 15, item 2);
// NUL and lone surrogates can't be stored by PostgreSQL (item 3). Field
// patterns in the contract refuse the other controls where text enters.
import { DomainError } from '../domain/errors.ts';
import type { App } from './app-type.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function hasUnstorableText(value: unknown): boolean {
  if (typeof value === 'string') return UNSTORABLE.test(value);
  if (Array.isArray(value)) return value.some(hasUnstorableText);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([key, inner]) => UNSTORABLE.test(key) || hasUnstorableText(inner));
  }
  return false;
}

export function strictJsonBodies(app: App): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      done(new DomainError('malformed_json', 'The body is not valid UTF-8.'), undefined);
      return;
    }
    parseJson(request, text, (error: Error | null, parsed?: unknown) => {
      if (error) return done(error, undefined);
      if (hasUnstorableText(parsed)) {
        return done(new DomainError('invalid_request', 'Text may not contain NUL or unpaired surrogates.'), undefined);
      }
      done(null, parsed);
    });
  });
}
