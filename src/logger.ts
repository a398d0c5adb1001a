import pino, { type Logger } from 'pino';

/** Paths that may carry personal data; pino replaces them before a line is written. */
export const redactedPaths = [
  'subject',
  '*.subject',
  'guarantee',
  '*.guarantee',
  'parties',
  '*.parties',
  'req.body',
  'body',
  '*.idNumber',
  '*.name',
  'req.headers.authorization',
];

export function createLogger(level = 'info'): Logger {
  return pino({ level, redact: { paths: redactedPaths, censor: '[redacted]' } });
}
