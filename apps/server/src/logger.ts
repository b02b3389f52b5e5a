import type { LoggerOptions } from 'pino';

/** Paths that may carry a secret; pino replaces them before a line is written. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-agent-pairing-token"]',
  'req.headers.cookie',
  '*.authToken',
  '*.agentToken',
  '*.authTokenCipher',
  '*.tokenHash',
  'body.authToken',
  'body.agentToken',
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      req(req: { method: string; url: string; headers: Record<string, unknown> }) {
        // Query strings are dropped: nothing secret belongs there, but nothing is logged that might be.
        return { method: req.method, url: req.url.split('?')[0], headers: { 'user-agent': req.headers['user-agent'] } };
      },
    },
  };
}
