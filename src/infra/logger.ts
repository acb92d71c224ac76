// pino, with every place a secret could appear redacted (ASVS 5.0 16.2.5:
// no passwords, codes, secrets or tokens in logs). Fastify logs only method,
// URL and status of requests; bodies are never logged.
import pino, { type DestinationStream, type Logger } from 'pino';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.code',
  '*.codes',
  '*.secret',
  '*.token',
  '*.challenge',
  '*.revealToken',
  '*.ticketToken',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}
