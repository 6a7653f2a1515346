import pino, { type Logger } from 'pino';
import type { Config } from './config/config.js';

/** Secrets never reach the log, wherever they appear in a logged object. */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'token',
  'password',
  'secret',
  '*.token',
  '*.password',
  '*.secret',
  'apiKey',
  '*.apiKey',
  'config.content.apiKey',
  'config.database.url',
  'databaseUrl',
];

export function createLogger(config: Pick<Config, 'logLevel' | 'env'>, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      redact: { paths: redactedPaths, censor: '[redacted]' },
      base: { service: 'business-os' },
    },
    destination,
  );
}
